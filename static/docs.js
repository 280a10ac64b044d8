/* /docs: start the self-hosted Swagger UI on the app's OpenAPI document (app/apidocs.py). An
   external file, not an inline script, so the page keeps the app's script-src 'self' policy. */
(function () {
  'use strict';
  var root = document.getElementById('swagger-ui');
  if (!root || !window.SwaggerUIBundle) return;
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute('data-openapi-url'),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true
  });
})();

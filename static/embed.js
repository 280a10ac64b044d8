/* Chip Controls Timeline embed loader. Include once on the page that embeds the timeline:
     <iframe src="https://HOST/embed?..." data-cct-embed width="100%" height="520" ...></iframe>
     <script src="https://HOST/static/embed.js" async></script>
   Each frame reports its content height with postMessage; this resizes the matching iframe. */
(function () {
  'use strict';
  if (window.__cctEmbedLoader) return;
  window.__cctEmbedLoader = true;
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.type !== 'cct:resize' || typeof data.height !== 'number') return;
    var frames = document.querySelectorAll('iframe[data-cct-embed]');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      var origin;
      try { origin = new URL(frame.src, location.href).origin; } catch (e) { continue; }
      if (origin !== event.origin) continue;
      frame.style.height = Math.max(150, Math.min(6000, Math.ceil(data.height))) + 'px';
      frame.setAttribute('data-cct-resized', 'true');
    }
  });
})();

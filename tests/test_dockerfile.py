"""The Dockerfile, checked without a Docker engine.

1. Structure: a small Dockerfile parser (comments, line continuations, flags, JSON/shell forms)
   feeds checks on the stages, the non-root USER, the HEALTHCHECK, the exec-form CMD and the
   TIMELINE_* settings (every one must be a real field of app.settings.Settings).
2. Build and start, replayed for real: `image` walks the Dockerfile stage by stage in a fake
   root directory and really runs the build stages' RUN steps (`npm ci`, `python -m venv`,
   `pip install` of the pinned runtime dependencies into a FRESH venv), then the final CMD is
   started with the final stage's ENV, /healthz must report the event count of the baked-in
   data, the HEALTHCHECK command must exit 0, and SIGTERM must stop the server cleanly.

How the replay maps the image onto this machine (kept deliberately simple):
- Paths: every stage's filesystem is the directory FS. A container path under one of the
  Dockerfile's own top-level folders (those named by WORKDIR or a COPY destination, e.g. /opt,
  /src, /srv) is rewritten to FS/<path> wherever it appears (ENV values, RUN commands, CMD,
  HEALTHCHECK); system paths (/usr, /bin, ...) are left alone. When a stage ends, FS is moved
  to STAGES/<name> and the next stage starts from an empty FS, so `COPY --from=<stage>` copies
  from the snapshot, and absolute paths baked into files (the venv's script shebangs) stay valid
  exactly as they do in the image, where the venv keeps its /opt/venv path.
- Base images: the node image is stood in for by this machine's node/npm, the python image by
  the interpreter running the tests (it must have the same major.minor version as the tag).
  They are exposed through a shim folder at the front of a minimal PATH, so `python`, `npm` and
  `timeline` resolve the way they do in the container. Processes get the Dockerfile's ENV,
  not this machine's (plus HOME, proxy and PIP_/npm_config_ settings for the build steps).
- COPY from the build context honours .dockerignore (fnmatch patterns, `**/` prefixes).
- Deviations, on purpose: `--no-cache-dir` is dropped from pip commands so pip's cache makes
  repeat runs fast; the runtime stage's RUN (creating the user) is not executed (it would add
  a user to this machine) but checked to do nothing else; the process runs as the test user;
  the port in CMD and HEALTHCHECK (the EXPOSEd one) is replaced with a free port; a volume
  mount is replaced by a symlink.
"""

from __future__ import annotations

import contextlib
import fnmatch
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from app.store import StoreError, load_snapshot
from tests.conftest import ROOT, event_dict, free_port, write_store

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


# ---------------------------------------------------------------------------------- parser --

@dataclass
class Instruction:
    keyword: str            # upper-case: FROM, RUN, COPY, ...
    flags: dict[str, str]   # leading --name=value options (COPY --from, HEALTHCHECK --interval, ...)
    args: str               # the rest, continuations joined with a space
    line: int

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form RUN/CMD/ENTRYPOINT/VOLUME, else None (shell form)."""
        text = self.args.strip()
        if text.startswith("["):
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(text)
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    return value
        return None


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


FLAG = re.compile(r"--([a-z-]+)(?:=(\S*))?\s*")


def parse_dockerfile(text: str) -> list[Instruction]:
    """Logical instructions: `\\` at the end of a line continues it; comment lines (also inside
    a continuation) and blank lines are dropped; leading --flags are split off."""
    out: list[Instruction] = []
    buf: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not buf):
            continue
        if not buf:
            start = number
        if raw.rstrip().endswith("\\"):
            buf.append(raw.rstrip()[:-1].strip())
            continue
        buf.append(stripped)
        logical = " ".join(part for part in buf if part)
        buf = []
        keyword, _, rest = logical.partition(" ")
        flags: dict[str, str] = {}
        rest = rest.strip()
        while (m := FLAG.match(rest)) is not None:
            flags[m.group(1)] = m.group(2) or ""
            rest = rest[m.end():]
        out.append(Instruction(keyword.upper(), flags, rest, start))
    assert not buf, "Dockerfile ends inside a line continuation"
    return out


def stages_of(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = ins.args.split()
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else str(len(stages))
            stages.append(Stage(words[0], name))
        else:
            assert stages, f"line {ins.line}: {ins.keyword} before FROM"
            stages[-1].instructions.append(ins)
    return stages


def env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    """ENV k=v k2="v 2" ... (or the legacy ENV k v)."""
    words = shlex.split(ins.args)
    if "=" not in words[0]:
        return [(words[0], ins.args.split(None, 1)[1])]
    return [tuple(w.split("=", 1)) for w in words]  # type: ignore[misc]


def expand(value: str, env: dict[str, str]) -> str:
    """Docker's $VAR / ${VAR} substitution in ENV, WORKDIR and COPY."""
    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", lambda m: env.get(m.group(1) or m.group(2), ""), value)


def healthcheck_argv(ins: Instruction) -> list[str]:
    kind, _, rest = ins.args.partition(" ")
    assert kind.upper() == "CMD", "HEALTHCHECK must run a command"
    argv = Instruction("CMD", {}, rest, ins.line).exec_form
    return argv if argv is not None else ["/bin/sh", "-c", rest]


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return stages_of(parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8")))


def final_env(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for ins in stage.all("ENV"):
        before = dict(env)
        env.update({k: expand(v, before) for k, v in env_pairs(ins)})
    return env


def test_parser_handles_continuations_comments_and_forms():
    text = ('FROM a:1 AS one\n# comment\nRUN echo a \\\n  # inside\n  && echo b\n'
            'COPY --from=one --chown=1:1 /x /y\nCMD ["run", "it"]\nENV A=1 B="two words"\n')
    ins = parse_dockerfile(text)
    assert [i.keyword for i in ins] == ["FROM", "RUN", "COPY", "CMD", "ENV"]
    assert ins[1].args == "echo a && echo b" and ins[1].exec_form is None
    assert ins[2].flags == {"from": "one", "chown": "1:1"} and ins[2].args == "/x /y"
    assert ins[3].exec_form == ["run", "it"]
    assert env_pairs(ins[4]) == [("A", "1"), ("B", "two words")]
    assert stages_of(ins)[0].name == "one"


# ------------------------------------------------------------------------------- structure --

def test_multi_stage_build(stages):
    assert [s.base for s in stages] == ["node:20-bookworm-slim", "python:3.11-slim-bookworm",
                                        "python:3.11-slim-bookworm"]
    names = {s.name for s in stages}
    for stage in stages:
        for ins in stage.all("COPY"):
            if "from" in ins.flags:
                assert ins.flags["from"] in names, f"line {ins.line}: unknown stage {ins.flags['from']}"
    runtime = stages[-1]
    assert not any("npm" in i.args or "gcc" in i.args for i in runtime.instructions)
    assert any(i.flags.get("from") == stages[1].name and i.args.split()[0] == "/opt/venv"
               for i in runtime.all("COPY")), "the runtime stage must take the builder's venv"
    requires = re.search(r"python:(\d+\.\d+)", stages[-1].base).group(1)
    assert f">={requires}" in (ROOT / "pyproject.toml").read_text(), "base image vs requires-python"


def test_runtime_runs_as_non_root_user(stages):
    runtime = stages[-1]
    users = runtime.all("USER")
    assert users, "no USER in the final stage"
    uid = users[-1].args.split(":")[0]
    assert uid not in ("0", "root")
    assert uid == "10001"
    assert any("--uid 10001" in i.args for i in runtime.all("RUN")), "create the user with uid 10001"
    # USER comes after every COPY/RUN that needs root and before CMD
    order = [i.keyword for i in runtime.instructions]
    assert order.index("USER") > max(n for n, k in enumerate(order) if k in ("RUN", "COPY"))


def test_healthcheck_probes_healthz_with_python(stages):
    checks = stages[-1].all("HEALTHCHECK")
    assert len(checks) == 1
    argv = healthcheck_argv(checks[0])
    assert argv[0] == "python" and "urllib.request" in " ".join(argv), "slim images have no curl"
    assert "/healthz" in " ".join(argv)
    assert {"interval", "timeout", "start-period", "retries"} <= set(checks[0].flags)


def test_cmd_is_exec_form_timeline_serve(stages):
    runtime = stages[-1]
    assert not runtime.all("ENTRYPOINT")
    cmd = runtime.all("CMD")[-1].exec_form
    assert cmd is not None, "CMD must be exec form so SIGTERM reaches uvicorn"
    assert cmd[:2] == ["timeline", "serve"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    exposed = runtime.all("EXPOSE")[0].args.split("/")[0]
    assert cmd[cmd.index("--port") + 1] == exposed == "8000"
    assert "--workers" not in cmd, "workers come from TIMELINE_WORKERS"


def test_env_names_are_real_settings_and_data_is_baked_in(stages):
    runtime = stages[-1]
    env = final_env(runtime)
    fields = {"TIMELINE_" + name.upper() for name in Settings.model_fields}
    timeline_vars = {k for k in env if k.startswith("TIMELINE_")}
    assert timeline_vars <= fields, f"unknown settings: {timeline_vars - fields}"
    assert {"TIMELINE_DATA", "TIMELINE_STATIC_DIR", "TIMELINE_TEMPLATES_DIR", "TIMELINE_WORKERS"} <= timeline_vars
    assert env["TIMELINE_WORKERS"] == "2"
    assert env["PATH"].startswith("/opt/venv/bin:")
    volume = runtime.all("VOLUME")[0]
    assert (volume.exec_form or volume.args.split()) == [env["TIMELINE_DATA"]]
    workdir = runtime.all("WORKDIR")[-1].args
    dests = {i.args.split()[0]: os.path.normpath(os.path.join(workdir, i.args.split()[-1]))
             for i in runtime.all("COPY")}
    assert dests["timeline_data/"] == env["TIMELINE_DATA"]
    assert dests["templates/"] == env["TIMELINE_TEMPLATES_DIR"]
    assert dests["static/"] == env["TIMELINE_STATIC_DIR"]
    assert env["TIMELINE_STATIC_DIR"] + "/vendor/plotly-core.min.js" in dests.values()


def dockerignore_patterns() -> list[str]:
    lines = (line.strip() for line in DOCKERIGNORE.read_text().splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith("#")]


def test_dockerignore_keeps_local_state_out():
    patterns = dockerignore_patterns()
    for name in (".git", ".venv", "node_modules", ".bench", "test-output", "static/vendor", "**/__pycache__"):
        assert name in patterns


# ---------------------------------------------------------------------------------- replay --

def ignored(rel: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches the path (or a folder above it) decides;
    a pattern starting with `!` takes the path back in."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for pat in patterns:
        keep = pat.startswith("!")
        pat = pat[1:] if keep else pat
        if pat.startswith("**/"):
            hit = any(fnmatch.fnmatch(p, pat[3:]) for p in parts)
        else:
            hit = any(fnmatch.fnmatch(p, pat) for p in prefixes)
        if hit:
            verdict = not keep
    return verdict


def test_dockerignore_exceptions_take_a_file_back():
    patterns = ["scripts", "!scripts/build-plotly.js"]
    assert ignored("scripts/bench_page.py", patterns)
    assert not ignored("scripts/build-plotly.js", patterns)
    assert ignored("scripts/build-plotly.js", patterns + ["scripts"])


class Replay:
    """Builds the image into a fake root; see the module docstring."""

    def __init__(self, stages: list[Stage], tmp: Path):
        self.stages, self.tmp = stages, tmp
        self.fs, self.snapshots, self.shim = tmp / "fs", tmp / "stages", tmp / "shim"
        self.snapshots.mkdir()
        roots = set()
        for stage in stages:
            for ins in stage.instructions:
                path = ins.args.split()[-1] if ins.keyword in ("COPY", "WORKDIR") else ""
                if path.startswith("/"):
                    roots.add(path.split("/")[1])
        # an absolute path under one of those top folders, not part of a longer word or path
        self.pattern = re.compile(r"(?<![\w./-])/(?:%s)(?![\w.-])" % "|".join(map(re.escape, sorted(roots))))
        self.ignore = dockerignore_patterns()
        self.log: list[str] = []

    def map(self, text: str) -> str:
        return self.pattern.sub(lambda m: str(self.fs) + m.group(0), text)

    def base_env(self, image: str) -> dict[str, str]:
        """What the base image provides: its tools on PATH (via the shim folder)."""
        if self.shim.exists():
            shutil.rmtree(self.shim)
        self.shim.mkdir()
        if image.startswith("node:"):
            tools = {name: shutil.which(name) for name in ("node", "npm")}
            assert all(tools.values()), "node and npm are needed to replay the assets stage"
        else:
            tag = re.match(r"python:(\d+\.\d+)", image).group(1)
            assert f"{sys.version_info[0]}.{sys.version_info[1]}" == tag, f"tests need Python {tag}"
            tools = {"python": sys._base_executable, "python3": sys._base_executable}
        for name, target in tools.items():
            (self.shim / name).symlink_to(target)
        return {"PATH": f"{self.shim}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}

    def build(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for stage in self.stages:
            self.fs.mkdir()
            env = self.base_env(stage.base)
            workdir = "/"
            for ins in stage.instructions:
                if ins.keyword == "ENV":
                    before = dict(env)
                    env.update({k: expand(v, before) for k, v in env_pairs(ins)})
                elif ins.keyword == "WORKDIR":
                    workdir = os.path.join(workdir, expand(ins.args, env))
                    self.host(workdir).mkdir(parents=True, exist_ok=True)
                elif ins.keyword == "COPY":
                    self.copy(ins, workdir, env)
                elif ins.keyword == "RUN":
                    self.run(stage, ins, workdir, env)
            if stage is not self.stages[-1]:
                self.fs.rename(self.snapshots / stage.name)
        self.workdir = workdir
        return {k: self.map(v) for k, v in env.items()}

    def host(self, container_path: str) -> Path:
        return self.fs / container_path.lstrip("/")

    def copy(self, ins: Instruction, workdir: str, env: dict[str, str]) -> None:
        *sources, dest = [expand(w, env) for w in (ins.exec_form or ins.args.split())]
        dest_abs = os.path.join(workdir, dest)
        if "from" in ins.flags:
            source_root = self.snapshots / ins.flags["from"]
            matches = [Path(p) for s in sources for p in glob.glob(str(source_root / s.lstrip("/")))]
        else:
            source_root = ROOT
            matches = [Path(p) for s in sources for p in glob.glob(str(ROOT / s))
                       if not ignored(os.path.relpath(p, ROOT), self.ignore)]
        assert matches, f"line {ins.line}: COPY matched nothing"
        into_dir = dest.endswith("/") or len(sources) > 1
        for src in matches:
            if src.is_dir():  # a folder's contents go into dest
                target = self.host(dest_abs)
                for path in sorted(src.rglob("*")):
                    rel = path.relative_to(source_root).as_posix()
                    if path.is_dir() or (source_root == ROOT and ignored(rel, self.ignore)):
                        continue
                    out = target / path.relative_to(src)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, out, follow_symlinks=False)
            else:
                target = self.host(dest_abs) / src.name if into_dir else self.host(dest_abs)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target, follow_symlinks=False)

    def run(self, stage: Stage, ins: Instruction, workdir: str, env: dict[str, str]) -> None:
        if stage is self.stages[-1]:
            steps = [s.strip() for s in ins.args.split("&&")]
            assert all(re.match(r"(groupadd|useradd) ", s) for s in steps), \
                f"line {ins.line}: the runtime stage may only create its user"
            return
        command = self.map(re.sub(r"\s--no-cache-dir\b", "", ins.args))
        passthrough = {k: v for k, v in os.environ.items()
                       if k == "HOME" or k.startswith(("PIP_", "npm_config_", "SSL_CERT"))
                       or k.lower() in ("http_proxy", "https_proxy", "no_proxy")}
        started = time.monotonic()
        done = subprocess.run(["/bin/sh", "-c", command], cwd=self.host(workdir),
                              env={**passthrough, **{k: self.map(v) for k, v in env.items()}},
                              capture_output=True, text=True, timeout=600)
        self.log.append(f"{stage.name}: {ins.args[:60]}... {time.monotonic() - started:.1f}s")
        assert done.returncode == 0, f"line {ins.line} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def image(stages, tmp_path_factory):
    started = time.monotonic()
    replay = Replay(stages, tmp_path_factory.mktemp("image"))
    try:
        env = replay.build()
        print(f"\nreplayed build in {time.monotonic() - started:.1f}s: " + "; ".join(replay.log))
        yield replay, env
    finally:  # the fake image is ~350 MB: do not leave it to pytest's tmp retention
        shutil.rmtree(replay.tmp, ignore_errors=True)


class Container:
    """The final CMD started like `docker run` would: final ENV, WORKDIR, exec form."""

    def __init__(self, replay: Replay, env: dict[str, str], stages: list[Stage]):
        runtime = stages[-1]
        self.port = free_port()
        exposed = runtime.all("EXPOSE")[0].args.split("/")[0]
        self.swap = lambda argv: [re.sub(rf"\b{exposed}\b", str(self.port), replay.map(a)) for a in argv]
        self.env, self.cwd = env, replay.host(replay.workdir)
        self.argv = self.swap(runtime.all("CMD")[-1].exec_form)
        self.check_argv = self.swap(healthcheck_argv(runtime.all("HEALTHCHECK")[0]))
        self.url = f"http://127.0.0.1:{self.port}"
        executable = shutil.which(self.argv[0], path=env["PATH"])
        assert executable and executable.startswith(str(replay.fs)), executable
        self.proc = subprocess.Popen(self.argv, executable=executable, cwd=self.cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"server exited: {self.proc.stdout.read()}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.proc.kill()
        raise AssertionError(f"server did not start: {self.proc.communicate()[0]}")

    def healthcheck(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.check_argv, cwd=self.cwd, env=self.env, capture_output=True,
                              text=True, timeout=10)

    def workers(self) -> list[int]:
        """Child processes started by multiprocessing's spawn (not its resource tracker)."""
        pids = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        return [p for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)   # what `docker stop` sends to PID 1
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"no exit within 20 s of SIGTERM: {self.proc.communicate()[0]}")
        return self.proc.returncode, out


def serve_and_check(replay: Replay, env: dict[str, str], stages: list[Stage], events: int) -> None:
    box = Container(replay, env, stages)
    try:
        health = httpx.get(box.url + "/healthz", timeout=5).json()
        assert health["status"] == "ok" and health["events"] == events, health
        assert len(box.workers()) == int(env["TIMELINE_WORKERS"]), "one process per worker"
        page = httpx.get(box.url + "/", timeout=20)   # templates found through TIMELINE_TEMPLATES_DIR
        assert page.status_code == 200 and "plotly" in page.text
        js = httpx.get(box.url + "/static/vendor/plotly.min.js", timeout=20)
        bundle = Path(env["TIMELINE_STATIC_DIR"]) / "vendor" / "plotly-core.min.js"
        assert js.status_code == 200
        assert hashlib.sha256(js.content).digest() == hashlib.sha256(bundle.read_bytes()).digest(), \
            "the partial plotly.js bundle built in the assets stage must be served"
        docs = httpx.get(box.url + "/docs", timeout=20).text  # Swagger UI from the assets stage
        assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs, "Swagger UI must be in the image"
        assert httpx.get(box.url + "/static/vendor/swagger-ui/swagger-ui.css", timeout=20).status_code == 200
        check = box.healthcheck()
        assert check.returncode == 0, check.stderr
    finally:
        code, out = box.stop()
    assert code == 0, f"exit {code} after SIGTERM:\n{out}"
    assert "Finished server process" in out and "Traceback" not in out, out
    assert box.healthcheck().returncode != 0, "the HEALTHCHECK must fail when the server is down"


def test_image_builds_and_serves_the_baked_data(image, stages):
    replay, env = image
    baked = Path(env["TIMELINE_DATA"])
    assert (baked / "taxonomy.yaml").is_file() and not (Path(env["TIMELINE_STATIC_DIR"]) / "__pycache__").exists()
    try:
        events = len(load_snapshot(baked).events)
    except StoreError as exc:  # reported by tests/test_store.py::test_real_data_set_passes_and_meets_the_numbers
        pytest.skip(f"timeline_data is invalid ({len(exc.problems)} problems); the image would refuse to start")
    serve_and_check(replay, env, stages, events)


def test_mounted_data_folder_replaces_the_baked_data(image, stages, tmp_path):
    replay, env = image
    store = write_store(tmp_path / "mounted", [event_dict("2021-01-01-a"), event_dict("2022-02-02-b"),
                                               event_dict("2023-03-03-c")])
    data = Path(env["TIMELINE_DATA"])
    data.rename(data.with_name("data.baked"))
    data.symlink_to(store)                     # docker run -v $store:/srv/timeline/data:ro
    try:
        serve_and_check(replay, env, stages, 3)
    finally:
        data.unlink()
        data.with_name("data.baked").rename(data)

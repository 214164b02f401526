"""The Kubernetes manifests (deploy/k8s/) checked without a cluster.

1. Every manifest, and the Secret template, validates against the Kubernetes 1.30 OpenAPI
   schemas in strict mode (unknown fields are errors), with the `kubernetes-validate` package,
   which ships the schemas (no network).
2. The kustomizations reference every manifest (the default with the bundled Redis, and
   external-redis without it), and set the two images of the release.
3. What the schemas cannot express: every workload has readiness and liveness probes on declared
   ports and resource requests and limits (Rasa ~1.5 GiB, actions ~1 GiB); pods run as the
   images' non-root users under the "restricted" Pod Security Standard; every Service selects
   existing pods and ports; the Ingresses route the compose proxy's paths to existing Services and
   ports; the autoscalers and the disruption budget target existing workloads; the Secret and
   ConfigMap references exist; every container's command exists in its image
   (tests/unit/test_images.py); Redis persists with AOF and snapshots and is backed up.

kubernetes-validate is in the application environment (requirements/app.in); in the Rasa
environment (scripts/check.sh runs tests/unit in both) this module is skipped.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.test_images import (
    APP_DOCKERFILE,
    BOT_DOCKERFILE,
    image,
    problems_running,
)

if importlib.util.find_spec("kubernetes_validate") is None:
    if importlib.util.find_spec("rasa") is not None:
        pytest.skip("kubernetes-validate is in the application environment, which runs these tests",
                    allow_module_level=True)
    raise ImportError("kubernetes-validate is pinned in requirements/app.lock: install that lock")

import kubernetes_validate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
NGINX_CONF = REPO / "docker" / "nginx.conf"
KUBERNETES_VERSION = "1.30.0"
SECRET_TEMPLATE = K8S / "secret.template.yaml"
SECRET_NAME = "assistant-secrets"
IMAGES = {"assistant-rasa": BOT_DOCKERFILE, "assistant-app": APP_DOCKERFILE}
WORKLOAD_KINDS = ("Deployment", "StatefulSet")
CHAT_HOST = "chat.example.gov.tw"
CONSOLE_HOST = "console.example.gov.tw"


# --- Loading -----------------------------------------------------------------------------------


def _load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def kustomization_files(directory: Path) -> list[Path]:
    """The manifest files a kustomization directory renders, following nested directories."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    files = []
    for resource in kustomization.get("resources", []):
        target = (directory / resource).resolve()
        assert target.exists(), f"{directory / 'kustomization.yaml'}: {resource} does not exist"
        files += kustomization_files(target) if target.is_dir() else [target]
    return files


def _documents(files: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    return [(path, doc) for path in files for doc in _load(path)]


DEFAULT = _documents(kustomization_files(K8S))
EXTERNAL_REDIS = _documents(kustomization_files(K8S / "external-redis"))
ALL_FILES = sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")
# Applied by hand when needed (docs/deploy.md), never by -k: the Secret template and the
# maintenance pods for backups and restores.
TOOLS = sorted((K8S / "tools").glob("*.yaml"))


def of_kind(kind: str, docs=DEFAULT) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in docs if doc["kind"] == kind}


def pod_templates(docs=DEFAULT) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind/name, pod template) of every workload, CronJobs included."""
    for _, doc in docs:
        if doc["kind"] in WORKLOAD_KINDS:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]
        elif doc["kind"] == "CronJob":
            yield f"CronJob/{doc['metadata']['name']}", doc["spec"]["jobTemplate"]["spec"]["template"]


def containers(pod: dict[str, Any], init: bool = True) -> list[dict[str, Any]]:
    spec = pod["spec"]
    return list(spec.get("initContainers", []) if init else []) + list(spec["containers"])


def _quantity(value: str) -> float:
    """Bytes of a Kubernetes memory quantity."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(value))
    assert match, f"not a quantity: {value}"
    factor = {None: 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
              "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}[match.group(2)]
    return float(match.group(1)) * factor


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _image_name(reference: str) -> str:
    return reference.split("@")[0].rsplit(":", 1)[0] if ":" in reference.split("/")[-1] else reference


# --- Schemas -----------------------------------------------------------------------------------


def _validate(doc: dict[str, Any]) -> str | None:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'.'.join(map(str, error.path))}: {error.message}"
    return None


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(K8S)))
def test_every_manifest_matches_the_kubernetes_schema(path):
    docs = _load(path)
    assert docs, f"{path} is empty"
    for doc in docs:
        error = _validate(doc)
        assert error is None, f"{path.relative_to(REPO)} {doc['kind']}/{doc['metadata']['name']}: {error}"


def test_the_validation_is_not_vacuous():
    deployment = copy.deepcopy(of_kind("Deployment")["rasa"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    assert "httpGett" in (_validate(deployment) or "")
    deployment = copy.deepcopy(of_kind("Deployment")["rasa"])
    deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"] = []
    assert _validate(deployment)
    ingress = copy.deepcopy(of_kind("Ingress")["assistant-chat"])
    ingress["spec"]["rules"][0]["http"]["paths"][0]["pathType"] = 3
    assert _validate(ingress)


# --- Kustomize ---------------------------------------------------------------------------------


def test_the_kustomizations_cover_every_manifest():
    listed = {path for path, _ in DEFAULT} | {path for path, _ in EXTERNAL_REDIS}
    by_hand = {SECRET_TEMPLATE, *TOOLS}
    orphans = [p.relative_to(REPO) for p in ALL_FILES if p not in listed and p not in by_hand]
    assert not orphans, f"not referenced by any kustomization: {orphans}"
    assert not listed & by_hand, "the Secret template and the tools must never be applied by -k"
    default_kinds = {doc["kind"] for _, doc in DEFAULT}
    external = {(doc["kind"], doc["metadata"]["name"]) for _, doc in EXTERNAL_REDIS}
    assert {"StatefulSet", "CronJob", "PersistentVolumeClaim"} <= default_kinds
    assert not any(name.startswith("redis") for _, name in external), (
        "external-redis must not run the bundled Redis"
    )
    assert {(k, n) for k, n in external} <= {(d["kind"], d["metadata"]["name"]) for _, d in DEFAULT}


@pytest.mark.parametrize("directory", [K8S, K8S / "external-redis"], ids=["default", "external-redis"])
def test_the_kustomizations_set_namespace_and_release_images(directory):
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    assert kustomization["namespace"] == "overseas-assistant"
    images = {entry["name"]: entry for entry in kustomization["images"]}
    assert set(images) == set(IMAGES)
    tags = {entry["newTag"] for entry in images.values()}
    assert len(tags) == 1 and "latest" not in tags, "both images come from one release tag"


def test_images_are_ours_or_pinned():
    for where, pod in pod_templates():
        for container in containers(pod):
            reference = container["image"]
            if _image_name(reference) in IMAGES:
                assert reference in IMAGES, f"{where}: the release tag comes from the kustomization"
            else:
                assert re.search(r":[\w.-]+$", reference) and not reference.endswith(":latest"), (
                    f"{where}: {reference} must be pinned to a version"
                )


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) not installed")
@pytest.mark.parametrize("directory", [K8S, K8S / "external-redis"], ids=["default", "external-redis"])
def test_kustomize_renders_valid_manifests(directory):
    rendered = subprocess.run(["kubectl", "kustomize", str(directory)], capture_output=True,
                              text=True, timeout=120)
    assert rendered.returncode == 0, rendered.stderr
    docs = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    assert docs
    for doc in docs:
        assert doc["metadata"].get("namespace", "overseas-assistant") == "overseas-assistant"
        assert _validate(doc) is None, f"{doc['kind']}/{doc['metadata']['name']}: {_validate(doc)}"
        for container in doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            assert "example.gov.tw" in container["image"] or _image_name(container["image"]) not in IMAGES


# --- Workloads ---------------------------------------------------------------------------------


def test_the_expected_workloads_exist():
    assert set(of_kind("Deployment")) == {"rasa", "actions", "widget", "line-gateway", "line-worker",
                                          "console"}
    assert set(of_kind("StatefulSet")) == {"redis"}
    assert set(of_kind("CronJob")) == {"redis-backup"}


def test_every_workload_has_probes_and_resources():
    for where, pod in pod_templates():
        long_running = not where.startswith("CronJob/")
        for container in containers(pod, init=False):
            name = f"{where}/{container['name']}"
            if long_running:
                assert "readinessProbe" in container, f"{name} has no readiness probe"
                assert "livenessProbe" in container, f"{name} has no liveness probe"
        for container in containers(pod):
            name = f"{where}/{container['name']}"
            resources = container.get("resources", {})
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), f"{name}: requests"
            assert "memory" in resources.get("limits", {}), f"{name}: memory limit"
            assert _quantity(resources["limits"]["memory"]) >= _quantity(resources["requests"]["memory"])


@pytest.mark.parametrize("name,at_least", [("rasa", "1536Mi"), ("actions", "1Gi")])
def test_memory_fits_rasa_and_the_embedding_model(name, at_least):
    container = of_kind("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
    assert _quantity(container["resources"]["requests"]["memory"]) >= _quantity(at_least)


def test_probes_use_declared_ports():
    for where, pod in pod_templates():
        for container in containers(pod, init=False):
            ports = {p.get("name") for p in container.get("ports", [])} | {
                p["containerPort"] for p in container.get("ports", [])}
            for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = container.get(kind)
                if not probe:
                    continue
                for handler in ("httpGet", "tcpSocket"):
                    if handler in probe:
                        assert probe[handler]["port"] in ports, f"{where} {kind}: unknown port"
                if "exec" in probe:
                    assert probe["exec"]["command"], f"{where} {kind}: empty exec"


def test_pods_run_as_the_images_non_root_users_under_the_restricted_profile():
    namespace = next(doc for _, doc in DEFAULT if doc["kind"] == "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for where, pod in pod_templates():
        spec = pod["spec"]
        security = spec["securityContext"]
        assert security["runAsNonRoot"] is True, where
        assert security["runAsUser"] != 0, where
        assert security["seccompProfile"]["type"] == "RuntimeDefault", where
        # A Service named "console" would inject CONSOLE_PORT=tcp://…, which the console reads.
        assert spec["enableServiceLinks"] is False, where
        assert spec["automountServiceAccountToken"] is False, where
        for container in containers(pod):
            name = f"{where}/{container['name']}"
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert context["readOnlyRootFilesystem"] is True, name
            assert not context.get("privileged"), name
        for volume in spec.get("volumes", []):
            assert not {"hostPath"} & set(volume), f"{where}: no host paths"
        ours = [c for c in containers(pod, init=False) if c["image"] in IMAGES]
        for container in ours:
            dockerfile = IMAGES[container["image"]]
            runs = " ".join(image(dockerfile).lines("RUN"))
            uid = int(re.search(r"--uid (\d+)", runs).group(1))
            assert security["runAsUser"] == uid, f"{where}: run as the image's user {uid}"


@pytest.mark.parametrize("path", TOOLS, ids=lambda p: p.name)
def test_maintenance_pods_are_restricted_and_mount_existing_volumes(path):
    pod = _load(path)[0]
    assert pod["kind"] == "Pod" and pod["metadata"]["namespace"] == "overseas-assistant"
    spec = pod["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    redis = of_kind("StatefulSet")["redis"]
    claims = set(of_kind("PersistentVolumeClaim")) | {
        f"{template['metadata']['name']}-redis-0" for template in redis["spec"]["volumeClaimTemplates"]}
    for container in spec["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False and context["capabilities"]["drop"] == ["ALL"]
        assert container["resources"]["limits"]["memory"]
    for volume in spec["volumes"]:
        if "persistentVolumeClaim" in volume:
            assert volume["persistentVolumeClaim"]["claimName"] in claims, volume


def test_containers_run_commands_that_exist_in_their_images():
    seen = set()
    for where, pod in pod_templates():
        for container in containers(pod):
            if container["image"] not in IMAGES:
                continue
            argv = list(container.get("command", [])) + list(container.get("args", []))
            assert argv, f"{where}/{container['name']}: give the command explicitly"
            problems = problems_running(IMAGES[container["image"]], argv)
            assert not problems, f"{where}/{container['name']}:\n" + "\n".join(problems)
            seen.add(container["image"])
    assert seen == set(IMAGES)


def test_rasa_is_started_like_in_compose_and_refuses_an_empty_token():
    container = of_kind("Deployment")["rasa"]["spec"]["template"]["spec"]["containers"][0]
    script = container["args"][0]
    for part in ("rasa run --model models/assistant.tar.gz", "--endpoints bot/endpoints.yml",
                 "--credentials bot/credentials.yml", "--port 5005", "--enable-api",
                 '--auth-token "$RASA_API_TOKEN"'):
        assert part in script, part
    assert script.rstrip().endswith("--cors $CORS_ORIGINS"), "unquoted: one argument per origin"
    assert re.search(r'test -n "\$RASA_API_TOKEN" \|\|', script), "an empty token must stop Rasa"
    assert script.startswith("set -f;"), "no file-name expansion of CORS_ORIGINS"


def test_knowledge_and_model_ship_in_the_images():
    config = of_kind("ConfigMap")["assistant-config"]["data"]
    assert config["KNOWLEDGE_DIR"] == "/app/knowledge"
    for where, pod in pod_templates():
        for container in containers(pod):
            for mount in container.get("volumeMounts", []):
                assert not mount["mountPath"].startswith(("/app/knowledge", "/app/models")), (
                    f"{where}: knowledge and model come from the image (rolled out with it)"
                )


def test_the_line_worker_is_a_deployment_with_unique_consumer_names():
    worker = of_kind("Deployment")["line-worker"]["spec"]["template"]["spec"]["containers"][0]
    name = next(e for e in worker["env"] if e["name"] == "LINE_WORKER_NAME")
    assert name["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


# --- Services, Ingress, autoscaling ------------------------------------------------------------


def _pods_selected(selector: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    return [(where, pod) for where, pod in pod_templates()
            if _matches(selector, pod["metadata"]["labels"])]


def test_every_service_selects_existing_pods_and_ports():
    for name, service in of_kind("Service").items():
        selected = _pods_selected(service["spec"]["selector"])
        assert selected, f"Service {name} selects no pods"
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            for where, pod in selected:
                declared = {p.get("name") for c in containers(pod, False) for p in c.get("ports", [])} | {
                    p["containerPort"] for c in containers(pod, False) for p in c.get("ports", [])}
                assert target in declared, f"Service {name}: {where} has no port {target}"


def test_workload_selectors_match_their_own_pods():
    for kind in WORKLOAD_KINDS:
        for name, workload in of_kind(kind).items():
            assert _matches(workload["spec"]["selector"]["matchLabels"],
                            workload["spec"]["template"]["metadata"]["labels"]), name
    statefulset = of_kind("StatefulSet")["redis"]
    headless = of_kind("Service")[statefulset["spec"]["serviceName"]]
    assert headless["spec"]["clusterIP"] == "None"


def _ingress_routes(docs=DEFAULT) -> dict[tuple[str, str], tuple[str, Any, dict[str, str]]]:
    routes = {}
    for name, ingress in of_kind("Ingress", docs).items():
        tls_hosts = {host for tls in ingress["spec"].get("tls", []) for host in tls["hosts"]}
        for rule in ingress["spec"]["rules"]:
            assert rule["host"] in tls_hosts, f"Ingress {name}: {rule['host']} without TLS"
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                port = backend["port"].get("name", backend["port"].get("number"))
                routes[(rule["host"], path["path"])] = (backend["name"], port,
                                                        ingress["metadata"].get("annotations", {}))
    return routes


def test_the_ingress_routes_to_existing_services_and_ports():
    services = of_kind("Service")
    for (host, path), (service, port, _) in _ingress_routes().items():
        assert service in services, f"{host}{path} routes to a missing Service {service}"
        ports = {p.get("name") for p in services[service]["spec"]["ports"]} | {
            p["port"] for p in services[service]["spec"]["ports"]}
        assert port in ports, f"{host}{path}: Service {service} has no port {port}"


def test_the_ingress_publishes_the_same_paths_as_the_compose_proxy():
    routes = {key: value[0] for key, value in _ingress_routes().items()}
    assert routes == {
        (CHAT_HOST, "/widget"): "widget",
        (CHAT_HOST, "/webhooks"): "rasa",
        (CHAT_HOST, "/socket.io"): "rasa",
        (CHAT_HOST, "/line"): "line-gateway",
        (CONSOLE_HOST, "/"): "console",
    }
    nginx = NGINX_CONF.read_text(encoding="utf-8")
    for _, path in routes:
        if path != "/":
            assert f"location {path}/ " in nginx, f"docker/nginx.conf does not route {path}/"
    assert "server_name ${CONSOLE_SERVER_NAME};" in nginx, "the console has its own host in both"


def test_socket_io_keeps_websockets_open_and_clients_on_one_replica():
    _, _, annotations = _ingress_routes()[(CHAT_HOST, "/socket.io")]
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[f"nginx.ingress.kubernetes.io/{timeout}"]) >= 3600
    assert annotations["nginx.ingress.kubernetes.io/upstream-hash-by"]
    for (host, path), (_, _, annotations) in _ingress_routes().items():
        assert "nginx.ingress.kubernetes.io/proxy-body-size" in annotations, f"{host}{path}"


def test_autoscalers_target_existing_deployments():
    deployments = of_kind("Deployment")
    autoscalers = of_kind("HorizontalPodAutoscaler")
    assert set(autoscalers) == {"rasa", "actions"}
    for name, hpa in autoscalers.items():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments, name
        assert hpa["spec"]["minReplicas"] >= 2, f"{name}: two replicas at least, for rollouts"
        assert "replicas" not in deployments[target["name"]]["spec"], (
            f"Deployment {target['name']}: the autoscaler owns the replica count"
        )
        container = deployments[target["name"]]["spec"]["template"]["spec"]["containers"][0]
        assert "cpu" in container["resources"]["requests"], "CPU utilisation needs a CPU request"


def test_disruption_budgets_keep_rasa_serving():
    budgets = of_kind("PodDisruptionBudget")
    assert "rasa" in budgets
    for name, budget in budgets.items():
        assert _pods_selected(budget["spec"]["selector"]["matchLabels"]), f"PDB {name} selects nothing"
    minimum = of_kind("HorizontalPodAutoscaler")["rasa"]["spec"]["minReplicas"]
    assert 1 <= budgets["rasa"]["spec"]["minAvailable"] < minimum


def test_network_policies_select_existing_pods():
    for name, policy in of_kind("NetworkPolicy").items():
        assert _pods_selected(policy["spec"]["podSelector"]["matchLabels"]), name
        for rule in policy["spec"]["ingress"]:
            for peer in rule["from"]:
                assert _pods_selected(peer["podSelector"]["matchLabels"]), name


# --- Configuration and secrets -----------------------------------------------------------------


def test_secret_references_exist_in_the_template_which_holds_no_value():
    template = _load(SECRET_TEMPLATE)[0]
    assert template["kind"] == "Secret" and template["metadata"]["name"] == SECRET_NAME
    values = template["stringData"]
    for key, value in values.items():
        if key == "REDIS_URL":
            assert value == "redis://redis:6379/0", "the bundled Redis, no password"
        else:
            assert value == "", f"{key}: the template holds no value (an empty secret stops its service)"
    for where, pod in pod_templates(DEFAULT + EXTERNAL_REDIS):
        for container in containers(pod):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == SECRET_NAME and ref["key"] in values, f"{where}: {ref}"
            for source in container.get("envFrom", []):
                assert "secretRef" not in source, f"{where}: give each pod only the keys it needs"


def test_config_map_references_exist():
    config_maps = of_kind("ConfigMap")
    for where, pod in pod_templates():
        for container in containers(pod):
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps, where
        for volume in pod["spec"].get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps, where
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in of_kind("PersistentVolumeClaim"), where
    config = config_maps["assistant-config"]["data"]
    assert not any(re.search(r"TOKEN|SECRET|PASSWORD|_KEY$", key) for key in config), (
        "secrets belong in the Secret"
    )
    assert config["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    assert config["RASA_URL"] == "http://rasa:5005"


# --- Redis -------------------------------------------------------------------------------------


def test_redis_persists_with_aof_and_snapshots_on_a_volume():
    redis = of_kind("StatefulSet")["redis"]
    container = redis["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    joined = " ".join(args)
    assert "--appendonly yes" in joined and "--appendfsync everysec" in joined
    assert re.fullmatch(r"\d+ \d+( \d+ \d+)*", args[args.index("--save") + 1])
    assert "--dir /data" in joined
    claims = {claim["metadata"]["name"] for claim in redis["spec"]["volumeClaimTemplates"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert any(mounts.get(claim) == "/data" for claim in claims), "/data on a persistent volume"
    assert redis["spec"]["replicas"] == 1


def test_redis_is_backed_up_daily_to_its_own_volume():
    cronjob = of_kind("CronJob")["redis-backup"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]
    script = " ".join(pod["spec"]["containers"][0]["args"])
    assert "redis-cli -h redis --rdb" in script and "-delete" in script
    claim = pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert claim in of_kind("PersistentVolumeClaim") and claim != "data"

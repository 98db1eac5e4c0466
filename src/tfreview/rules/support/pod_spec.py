"""Where the pod spec sits in each Kubernetes provider workload resource (not a rule: it exports no RULE).

A pod carries it at `spec`; deployments, daemon sets, stateful sets and jobs at `spec.template.spec`;
cron jobs at `spec.job_template.spec.template.spec` — each under a legacy and a `_v1` type name.
"""

from __future__ import annotations

from typing import Final

POD_SPEC_PATHS: Final = {
    "kubernetes_pod": "spec",
    "kubernetes_pod_v1": "spec",
    "kubernetes_deployment": "spec.template.spec",
    "kubernetes_deployment_v1": "spec.template.spec",
    "kubernetes_daemonset": "spec.template.spec",
    "kubernetes_daemon_set_v1": "spec.template.spec",
    "kubernetes_stateful_set": "spec.template.spec",
    "kubernetes_stateful_set_v1": "spec.template.spec",
    "kubernetes_job": "spec.template.spec",
    "kubernetes_job_v1": "spec.template.spec",
    "kubernetes_cron_job": "spec.job_template.spec.template.spec",
    "kubernetes_cron_job_v1": "spec.job_template.spec.template.spec",
}

"""Rules for the Kubernetes provider (kubernetes_pod, kubernetes_deployment and their _v1 names)."""

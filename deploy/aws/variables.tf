variable "name" {
  description = "Prefix of every resource name (lowercase letters, digits and dashes)."
  type        = string
  default     = "tfreview"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name: 3-32 characters, lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "lambda_package_file" {
  description = "Path of the deployment zip of tfreview for Lambda (built as docs/howto/deploy-on-aws.md shows)."
  type        = string
}

variable "lambda_runtime" {
  description = "Lambda runtime of every function."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime: python3.11, python3.12 or python3.13 (tfreview needs Python 3.11 or later)."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the functions (the package must be built for it)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture: arm64 or x86_64."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of each function in MB (CPU grows with it); keys: http, worker, reaper, reconcile, watchdog."
  type        = map(number)
  default     = { http = 1024, worker = 1024, reaper = 512, reconcile = 512, watchdog = 512 }

  validation {
    condition     = alltrue([for v in values(var.lambda_memory_mb) : v >= 128 && v <= 10240])
    error_message = "lambda_memory_mb: each value between 128 and 10240."
  }
}

variable "worker_timeout_seconds" {
  description = "Timeout of the worker function; the queue's visibility timeout is six times it (AWS guidance for SQS triggers)."
  type        = number
  default     = 120

  validation {
    condition     = var.worker_timeout_seconds >= 30 && var.worker_timeout_seconds <= 900
    error_message = "worker_timeout_seconds: 30 to 900."
  }
}

variable "worker_batch_size" {
  description = "SQS messages per worker invocation (partial batch failures are reported per message)."
  type        = number
  default     = 10

  validation {
    condition     = var.worker_batch_size >= 1 && var.worker_batch_size <= 10
    error_message = "worker_batch_size: 1 to 10."
  }
}

variable "worker_max_concurrency" {
  description = "Most worker functions running at once (SQS event source maximum concurrency, 2-1000)."
  type        = number
  default     = 20

  validation {
    condition     = var.worker_max_concurrency >= 2 && var.worker_max_concurrency <= 1000
    error_message = "worker_max_concurrency: 2 to 1000."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the dead-letter queue (tfreview.store.aws.definitions.MAX_RECEIVE_COUNT)."
  type        = number
  default     = 50

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count: 1 to 1000."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' and the API's CloudWatch log groups, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days: one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 365, ... 3653)."
  }
}

variable "environment" {
  description = "Extra TFREVIEW_* settings of every function (no secrets here: they go to Secrets Manager, see secret_arns)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment) : startswith(k, "TFREVIEW_")])
    error_message = "environment: only TFREVIEW_* settings."
  }
}

variable "public_url" {
  description = "How others reach the service (links in review comments); empty: the CloudFront distribution's URL."
  type        = string
  default     = ""

  validation {
    # what the functions accept (TFREVIEW_SERVER__PUBLIC_URL): anything else made every one of them refuse to start
    condition     = var.public_url == "" || can(regex("^https?://[^/?#\\s]+", var.public_url))
    error_message = "public_url: an http(s) URL with a host, such as https://tfreview.example.com."
  }
}

variable "jwt_issuer" {
  description = "An external OIDC issuer for the API's JWT authorizer; empty: the module creates a Cognito user pool and app client."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_issuer == "" || startswith(var.jwt_issuer, "https://")
    error_message = "jwt_issuer: an https:// URL (or empty for Cognito)."
  }
}

variable "jwt_audience" {
  description = "With jwt_issuer: the audiences (client ids) the API accepts."
  type        = list(string)
  default     = []
}

variable "cognito_callback_urls" {
  description = "Sign-in callback URLs of the Cognito app client (the dashboard's /auth/callback)."
  type        = list(string)
  default     = []
}

variable "bedrock_model_ids" {
  description = "Bedrock foundation models (or inference profiles) the worker may invoke; empty: no AI review through Bedrock."
  type        = list(string)
  default     = []
}

variable "secrets" {
  description = "Secret settings to create as empty Secrets Manager secrets (you put the values; none is in the Terraform state) and wire into the functions: github_webhook_secrets, spacelift_webhook_secrets, github_app_private_key, github_app_marker_secret, spacelift_api_key_secret, dashboard_session_secret, dashboard_csrf_secret."
  type        = set(string)
  default     = ["github_webhook_secrets", "github_app_private_key", "github_app_marker_secret", "dashboard_session_secret", "dashboard_csrf_secret"]

  validation {
    condition = alltrue([for k in var.secrets : contains([
      "github_webhook_secrets", "spacelift_webhook_secrets", "github_app_private_key", "github_app_marker_secret",
      "spacelift_api_key_secret", "dashboard_session_secret", "dashboard_csrf_secret",
    ], k)])
    error_message = "secrets: unknown setting name (see the description for the known ones)."
  }
}

variable "secret_arns" {
  description = "Secrets Manager ARNs of secrets you already hold, by setting name (the names of var.secrets): wired instead of created."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([for k in keys(var.secret_arns) : contains([
      "github_webhook_secrets", "spacelift_webhook_secrets", "github_app_private_key", "github_app_marker_secret",
      "spacelift_api_key_secret", "dashboard_session_secret", "dashboard_csrf_secret",
    ], k)])
    error_message = "secret_arns: unknown setting name (see the description for the known ones)."
  }
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP address before the WAF blocks it (rate-based rule)."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100
    error_message = "waf_rate_limit: at least 100 (the WAF minimum)."
  }
}

variable "blocked_ip_cidrs" {
  description = "Addresses (CIDR) the WAF blocks: feed it from `tfreview blocks` (docs/howto/deploy-on-aws.md: the block list and the WAF)."
  type        = list(string)
  default     = []
}

variable "api_throttle" {
  description = "The HTTP API's stage throttling (burst and steady requests per second): the backstop behind the WAF."
  type        = object({ burst = number, rate = number })
  default     = { burst = 200, rate = 100 }
}

variable "backup_retention_days" {
  description = "How long AWS Backup keeps the table's daily backups."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_retention_days >= 7
    error_message = "backup_retention_days: at least 7."
  }
}

variable "alarm_emails" {
  description = "E-mail subscribers of each escalation level's SNS topic, by level (\"1\" automated, \"2\" on-call, \"3\" senior, \"4\" management)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.alarm_emails) : contains(["1", "2", "3", "4"], k)])
    error_message = "alarm_emails: keys are the levels \"1\" to \"4\"."
  }
}

variable "disabled_alerts" {
  description = "Alert ids (src/tfreview/ops/alerts.toml) that get no CloudWatch alarm, e.g. webhook-silence-spacelift without Spacelift."
  type        = set(string)
  default     = []
}

variable "standby" {
  description = "This deployment is the disaster-recovery copy in the DR region: it uses the primary's global table replica instead of creating the table."
  type        = bool
  default     = false
}

variable "dr" {
  description = "Disaster recovery: a DynamoDB global table replica in `region` and a Route 53 failover record `origin_domain_name` between this region's API and the standby deployment's (null: no DR)."
  type = object({
    region                   = string
    hosted_zone_id           = string
    origin_domain_name       = string
    certificate_arn          = string
    secondary_target_domain  = string
    secondary_target_zone_id = string
  })
  default = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}

variable "jwt_routes" {
  description = "Routes the gateway's JWT authorizer guards. tfreview's own API tokens are not JWTs: with API tokens (tfreview submit, CI), set [] and the app checks every credential itself."
  type        = list(string)
  default     = ["ANY /api/{proxy+}"]
}

variable "edge_domain" {
  description = "A custom domain for the CloudFront distribution and its ACM certificate (in us-east-1); null: the default *.cloudfront.net certificate, which lets clients negotiate TLS 1.0."
  type = object({
    domain_name         = string
    acm_certificate_arn = string
  })
  default = null
}

variable "table_name" {
  description = "The DynamoDB table's name; empty: \"<name>-reviews\". A standby names the primary's table (a global table has one name in every region)."
  type        = string
  default     = ""
}

variable "standby_active" {
  description = "With standby = true: this region has taken over (runs its schedules: reaper, reconcilers, watchdog). Keep false while the primary serves."
  type        = bool
  default     = false
}

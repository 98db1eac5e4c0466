resource "aws_cloudwatch_log_group" "app" {
  name = "tf-example-ecs-group/ecs-app"
}

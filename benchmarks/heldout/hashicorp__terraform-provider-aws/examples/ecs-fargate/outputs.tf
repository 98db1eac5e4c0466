output "alb_dns" {
  value = "${aws_alb.alb.dns_name}"
}

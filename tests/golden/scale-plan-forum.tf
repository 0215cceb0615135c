# archplan scale-plan --emit terraform, for examples/forum.yaml.
# Each group's size and mixed_instances_policy for the AWS provider's
# aws_autoscaling_group; the subnet IDs are variables (the file names subnets, not IDs).
# Each ECS service's aws_appautoscaling_target and CPU target tracking.

variable "subnet_forum_app_a" {
  description = "ID of subnet forum-app-a (us-east-1a)"
  type        = string
}

variable "subnet_forum_app_b" {
  description = "ID of subnet forum-app-b (us-east-1b)"
  type        = string
}

# topics: planned capacity 2..14 units over 24 hours
# topics: 3 committed units (compute-savings-plan) are bought outside the group
# topics: scaling policy (lowered-target): target tracking at 60 % x (2 - 1) / 2 = 30.00 % alone would run below the plan in 7 hours (AWS rounds the instance count up once, the plan rounds needed and then the N+1 total); 24.44 % is the highest target that holds every hour; AWS then runs 28 unit-hours above the plan over its 24 hours
# topics: desired_capacity is not pinned: Terraform would reset the group to it on every apply, undoing what scaling set; AWS starts the group at min (2); set desired 4 once outside Terraform if it must start there
resource "aws_autoscaling_group" "topics" {
  name                = "topics"
  min_size            = 2
  max_size            = 16
  vpc_zone_identifier = [var.subnet_forum_app_a, var.subnet_forum_app_b]

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 2
      on_demand_percentage_above_base_capacity = 20
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_name = "forum-topics"
        version              = "$Default"
      }

      override {
        instance_type = "c6i.large"
      }

      override {
        instance_type = "c5.large"
      }

      override {
        instance_type = "c6a.large"
      }
    }
  }
}

resource "aws_autoscaling_policy" "topics" {
  name                   = "topics-target-tracking"
  autoscaling_group_name = aws_autoscaling_group.topics.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 24.44
  }
}

resource "aws_appautoscaling_target" "messages" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/forum/messages"
  min_capacity       = 4
  max_capacity       = 30
}

resource "aws_appautoscaling_policy" "messages" {
  name               = "messages-cpu-target-tracking"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.messages.service_namespace
  scalable_dimension = aws_appautoscaling_target.messages.scalable_dimension
  resource_id        = aws_appautoscaling_target.messages.resource_id

  target_tracking_scaling_policy_configuration {
    target_value = 70

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

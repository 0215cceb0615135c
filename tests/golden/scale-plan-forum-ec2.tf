# archplan scale-plan --emit terraform, for examples/forum-ec2.yaml.
# Each group's size and mixed_instances_policy for the AWS provider's
# aws_autoscaling_group; the subnet IDs are variables (the file names subnets, not IDs).

variable "subnet_forum_app_a" {
  description = "ID of subnet forum-app-a (us-east-1a)"
  type        = string
}

variable "subnet_forum_app_b" {
  description = "ID of subnet forum-app-b (us-east-1b)"
  type        = string
}

# users: planned capacity 2..10 units over 24 hours
# users: its On-Demand part shares one compute-savings-plan with other groups (the scale-plan report's shared commitment), bought outside the group
# users: scaling policy (lowered-target): target tracking at 60 % x (2 - 1) / 2 = 30.00 % alone would run below the plan in 5 hours (AWS rounds the instance count up once, the plan rounds needed and then the N+1 total); 26.66 % is the highest target that holds every hour; AWS then runs 14 unit-hours above the plan over its 24 hours
# users: desired_capacity is not pinned: Terraform would reset the group to it on every apply, undoing what scaling set; AWS starts the group at min (2); set desired 4 once outside Terraform if it must start there
resource "aws_autoscaling_group" "users" {
  name                = "users"
  min_size            = 2
  max_size            = 12
  vpc_zone_identifier = [var.subnet_forum_app_a, var.subnet_forum_app_b]

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 2
      on_demand_percentage_above_base_capacity = 25
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_name = "forum-users"
        version              = "$Default"
      }

      override {
        instance_type = "m5.large"
      }

      override {
        instance_type = "m6i.large"
      }
    }
  }
}

resource "aws_autoscaling_policy" "users" {
  name                   = "users-target-tracking"
  autoscaling_group_name = aws_autoscaling_group.users.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 26.66
  }
}

# topics: planned capacity 2..14 units over 24 hours
# topics: its On-Demand part shares one compute-savings-plan with other groups (the scale-plan report's shared commitment), bought outside the group
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

# messages: planned capacity 4..18 units over 24 hours
# messages: its On-Demand part shares one compute-savings-plan with other groups (the scale-plan report's shared commitment), bought outside the group
# messages: scaling policy (lowered-target): target tracking at 70 % x (2 - 1) / 2 = 35.00 % alone would run below the plan in 5 hours (AWS rounds the instance count up once, the plan rounds needed and then the N+1 total); 31.99 % is the highest target that holds every hour; AWS then runs 15 unit-hours above the plan over its 24 hours
# messages: desired_capacity is not pinned: Terraform would reset the group to it on every apply, undoing what scaling set; AWS starts the group at min (4); set desired 6 once outside Terraform if it must start there
resource "aws_autoscaling_group" "messages" {
  name                = "messages"
  min_size            = 4
  max_size            = 24
  vpc_zone_identifier = [var.subnet_forum_app_a, var.subnet_forum_app_b]

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 2
      on_demand_percentage_above_base_capacity = 30
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_name = "forum-messages"
        version              = "$Default"
      }

      override {
        instance_type     = "c5.large"
        weighted_capacity = "1"
      }

      override {
        instance_type     = "c5.xlarge"
        weighted_capacity = "2"
      }
    }
  }
}

resource "aws_autoscaling_policy" "messages" {
  name                   = "messages-target-tracking"
  autoscaling_group_name = aws_autoscaling_group.messages.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 31.99
  }
}

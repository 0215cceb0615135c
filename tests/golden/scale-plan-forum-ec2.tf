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

# topics: planned capacity 2..14 units over 24 hours
# topics: its On-Demand part shares one compute-savings-plan with other groups (the scale-plan report's shared commitment), bought outside the group
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

# messages: planned capacity 4..18 units over 24 hours
# messages: its On-Demand part shares one compute-savings-plan with other groups (the scale-plan report's shared commitment), bought outside the group
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

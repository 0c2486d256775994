// The AWS field classification table (see aws_fields.hpp). One row per field of each shape.
// A row's class is a claim about the model: "modelled" means the loader reads the field and
// the simulator acts on it; "inert" means AWS's own behaviour does not depend on it in any way
// ecsim measures (scheduling, capacity, timing, cost); anything else is "refused".
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scenarios/aws_fields.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <utility>

namespace ecsim::scenarios {

namespace {

constexpr auto M = FieldClass::kModelled;
constexpr auto R = FieldClass::kRefused;
constexpr auto I = FieldClass::kInert;
constexpr auto X = FieldClass::kExtension;

// Reasons shared by many inert fields.
constexpr std::string_view kIam = "IAM: permissions only";
constexpr std::string_view kTags = "tags: metadata only";
constexpr std::string_view kLogs = "logging: no effect on the simulated quantities";
constexpr std::string_view kArn = "an identifier: no behaviour";
constexpr std::string_view kState = "describe-* output: state, not configuration";
constexpr std::string_view kToken = "idempotency token";
constexpr std::string_view kInside = "what runs inside the container, not how ECS schedules or sizes it";
constexpr std::string_view kExec = "ECS Exec and managed tags: no effect on scheduling or cost";
constexpr std::string_view kTarget = "names the scalable target; ecsim's target is the service that holds the block";

const std::vector<AwsShape> kShapes = {
    // ECS
    {"CreateService", "ecs", {"CreateServiceRequest", "Service"}, "services[]"},
    {"UpdateService", "ecs", {"UpdateServiceRequest"}, "timeline[].updateService"},
    {"UpdateTaskProtection", "ecs", {"UpdateTaskProtectionRequest"}, "timeline[].updateTaskProtection"},
    {"DeploymentConfiguration", "ecs", {"DeploymentConfiguration"}, "services[].deploymentConfiguration"},
    {"DeploymentCircuitBreaker", "ecs", {"DeploymentCircuitBreaker"}, "services[].deploymentConfiguration.deploymentCircuitBreaker"},
    {"ThresholdConfiguration", "ecs", {"ThresholdConfiguration"}, "...deploymentCircuitBreaker.thresholdConfiguration"},
    {"DeploymentAlarms", "ecs", {"DeploymentAlarms"}, "services[].deploymentConfiguration.alarms"},
    {"DeploymentController", "ecs", {"DeploymentController"}, "services[].deploymentController"},
    {"LoadBalancer", "ecs", {"LoadBalancer"}, "services[].loadBalancers[]"},
    {"MonitoringConfiguration", "ecs", {"MonitoringConfiguration"}, "services[].monitoring"},
    {"MetricConfiguration", "ecs", {"MetricConfiguration"}, "services[].monitoring.metricConfigurations[]"},
    {"NetworkConfiguration", "ecs", {"NetworkConfiguration"}, "services[].networkConfiguration, runTasks[].networkConfiguration"},
    {"AwsVpcConfiguration", "ecs", {"AwsVpcConfiguration"}, "...networkConfiguration.awsvpcConfiguration"},
    {"CapacityProviderStrategyItem", "ecs", {"CapacityProviderStrategyItem"}, "...capacityProviderStrategy[]"},
    {"PlacementStrategy", "ecs", {"PlacementStrategy"}, "...placementStrategy[]"},
    {"PlacementConstraint", "ecs", {"PlacementConstraint", "TaskDefinitionPlacementConstraint"}, "...placementConstraints[]"},
    {"RegisterTaskDefinition", "ecs", {"RegisterTaskDefinitionRequest", "TaskDefinition"}, "taskDefinitions[]"},
    {"RuntimePlatform", "ecs", {"RuntimePlatform"}, "taskDefinitions[].runtimePlatform"},
    {"EphemeralStorage", "ecs", {"EphemeralStorage"}, "taskDefinitions[].ephemeralStorage"},
    {"ContainerDefinition", "ecs", {"ContainerDefinition"}, "taskDefinitions[].containerDefinitions[]"},
    {"PortMapping", "ecs", {"PortMapping"}, "...containerDefinitions[].portMappings[]"},
    {"HealthCheck", "ecs", {"HealthCheck"}, "...containerDefinitions[].healthCheck"},
    {"ContainerDependency", "ecs", {"ContainerDependency"}, "...containerDefinitions[].dependsOn[]"},
    {"ResourceRequirement", "ecs", {"ResourceRequirement"}, "...containerDefinitions[].resourceRequirements[]"},
    {"CreateCluster", "ecs", {"CreateClusterRequest", "Cluster"}, "clusters[]"},
    {"RunTask", "ecs", {"RunTaskRequest"}, "runTasks[]"},
    {"CreateCapacityProvider", "ecs", {"CreateCapacityProviderRequest", "CapacityProvider"}, "capacityProviders[]"},
    {"AutoScalingGroupProvider", "ecs", {"AutoScalingGroupProvider"}, "capacityProviders[].autoScalingGroupProvider"},
    {"ManagedScaling", "ecs", {"ManagedScaling"}, "capacityProviders[].autoScalingGroupProvider.managedScaling"},
    {"ManagedInstancesProvider", "ecs", {"CreateManagedInstancesProviderConfiguration", "ManagedInstancesProvider"},
     "capacityProviders[].managedInstancesProvider"},
    {"InstanceLaunchTemplate", "ecs", {"InstanceLaunchTemplate"}, "capacityProviders[].managedInstancesProvider.instanceLaunchTemplate"},
    {"ManagedInstancesNetworkConfiguration", "ecs", {"ManagedInstancesNetworkConfiguration"}, "...instanceLaunchTemplate.networkConfiguration"},
    {"InstanceRequirementsRequest", "ecs", {"InstanceRequirementsRequest"}, "...instanceLaunchTemplate.instanceRequirements"},
    {"InfrastructureOptimization", "ecs", {"InfrastructureOptimization"}, "capacityProviders[].managedInstancesProvider.infrastructureOptimization"},
    // EC2
    {"Subnet", "ec2", {"Subnet"}, "subnets[]"},
    // EC2 Auto Scaling
    {"CreateAutoScalingGroup", "autoscaling", {"CreateAutoScalingGroupType", "AutoScalingGroup"}, "capacityProviders[].autoScalingGroup"},
    {"MixedInstancesPolicy", "autoscaling", {"MixedInstancesPolicy"}, "...autoScalingGroup.MixedInstancesPolicy"},
    {"InstancesDistribution", "autoscaling", {"InstancesDistribution"}, "...MixedInstancesPolicy.InstancesDistribution"},
    {"LaunchTemplate", "autoscaling", {"LaunchTemplate"}, "...MixedInstancesPolicy.LaunchTemplate"},
    {"LaunchTemplateOverrides", "autoscaling", {"LaunchTemplateOverrides"}, "...MixedInstancesPolicy.LaunchTemplate.Overrides[]"},
    // Application Auto Scaling
    {"RegisterScalableTarget", "application-autoscaling", {"RegisterScalableTargetRequest", "ScalableTarget"}, "services[].autoScaling"},
    {"PutScalingPolicy", "application-autoscaling", {"PutScalingPolicyRequest", "ScalingPolicy"}, "services[].autoScaling.policies[]"},
    {"TargetTrackingScalingPolicyConfiguration", "application-autoscaling", {"TargetTrackingScalingPolicyConfiguration"},
     "...policies[].TargetTrackingScalingPolicyConfiguration"},
    {"PredefinedMetricSpecification", "application-autoscaling", {"PredefinedMetricSpecification"},
     "...TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification"},
    {"StepScalingPolicyConfiguration", "application-autoscaling", {"StepScalingPolicyConfiguration"},
     "...policies[].StepScalingPolicyConfiguration"},
    {"StepAdjustment", "application-autoscaling", {"StepAdjustment"}, "...StepScalingPolicyConfiguration.StepAdjustments[]"},
    {"PredictiveScalingPolicyConfiguration", "application-autoscaling", {"PredictiveScalingPolicyConfiguration"},
     "...policies[].PredictiveScalingPolicyConfiguration"},
    {"PredictiveScalingMetricSpecification", "application-autoscaling", {"PredictiveScalingMetricSpecification"},
     "...PredictiveScalingPolicyConfiguration.MetricSpecifications[]"},
    {"PredictiveScalingPredefinedMetricPairSpecification", "application-autoscaling", {"PredictiveScalingPredefinedMetricPairSpecification"},
     "...MetricSpecifications[].PredefinedMetricPairSpecification"},
    {"PredictiveScalingPredefinedLoadMetricSpecification", "application-autoscaling", {"PredictiveScalingPredefinedLoadMetricSpecification"},
     "...MetricSpecifications[].PredefinedLoadMetricSpecification"},
    {"PredictiveScalingPredefinedScalingMetricSpecification", "application-autoscaling",
     {"PredictiveScalingPredefinedScalingMetricSpecification"}, "...MetricSpecifications[].PredefinedScalingMetricSpecification"},
    {"PutScheduledAction", "application-autoscaling", {"PutScheduledActionRequest", "ScheduledAction"}, "services[].autoScaling.scheduledActions[]"},
    {"ScalableTargetAction", "application-autoscaling", {"ScalableTargetAction"}, "...scheduledActions[].ScalableTargetAction"},
};

const std::vector<AwsField> kFields = {
    // --- CreateService (and a describe-services paste) ------------------------------------
    {"CreateService", "serviceName", M, ""},
    {"CreateService", "cluster", M, "a name or an ARN"},
    {"CreateService", "clusterArn", M, "describe-services: names the cluster as `cluster` does"},
    {"CreateService", "taskDefinition", M, "family, family:revision or an ARN"},
    {"CreateService", "desiredCount", M, ""},
    {"CreateService", "launchType", M, "FARGATE; EC2, EXTERNAL and MANAGED_INSTANCES refused (use a capacityProviderStrategy)"},
    {"CreateService", "capacityProviderStrategy", M, ""},
    {"CreateService", "schedulingStrategy", M, "REPLICA, DAEMON"},
    {"CreateService", "deploymentConfiguration", M, ""},
    {"CreateService", "deploymentController", M, "type ECS; CODE_DEPLOY and EXTERNAL refused"},
    {"CreateService", "placementConstraints", M, ""},
    {"CreateService", "placementStrategy", M, ""},
    {"CreateService", "healthCheckGracePeriodSeconds", M, ""},
    {"CreateService", "loadBalancers", M, "Application/Network Load Balancer target groups"},
    {"CreateService", "networkConfiguration", M, "awsvpcConfiguration.subnets choose the zones"},
    {"CreateService", "availabilityZoneRebalancing", M, "DISABLED; ENABLED refused (rebalancing is not modelled)"},
    {"CreateService", "serviceConnectConfiguration", R,
     "Service Connect is not modelled (its Envoy proxy takes CPU and memory in every task): remove it and add the "
     "proxy's reservation to the task definition as a sidecar container"},
    {"CreateService", "volumeConfigurations", R,
     "EBS volumes attached at launch add attach time and cost, which are not modelled: remove it"},
    {"CreateService", "monitoring", M, "metricConfigurations: CPUUtilization and MemoryUtilization at 20 or 60 s"},
    {"CreateService", "gatewayConnectors", R, "gateway connectors are not modelled: remove them"},
    {"CreateService", "serviceRegistries", I, "Cloud Map registration: DNS only"},
    {"CreateService", "vpcLatticeConfigurations", I, "VPC Lattice target registration: routing only"},
    {"CreateService", "clientToken", I, kToken},
    {"CreateService", "platformVersion", I, "Fargate platform version: ecsim's Fargate timings are one platform's"},
    {"CreateService", "platformFamily", I, kState},
    {"CreateService", "role", I, kIam},
    {"CreateService", "roleArn", I, kIam},
    {"CreateService", "tags", I, kTags},
    {"CreateService", "enableECSManagedTags", I, kExec},
    {"CreateService", "propagateTags", I, kTags},
    {"CreateService", "enableExecuteCommand", I, kExec},
    {"CreateService", "serviceArn", I, kArn},
    {"CreateService", "status", I, kState},
    {"CreateService", "runningCount", I, kState},
    {"CreateService", "pendingCount", I, kState},
    {"CreateService", "deployments", I, kState},
    {"CreateService", "taskSets", I, kState},
    {"CreateService", "events", I, kState},
    {"CreateService", "createdAt", I, kState},
    {"CreateService", "createdBy", I, kState},
    {"CreateService", "currentServiceDeployment", I, kState},
    {"CreateService", "currentServiceRevisions", I, kState},
    {"CreateService", "resourceManagementType", I, kState},
    {"CreateService", "load", X, "the requests the service serves"},
    {"CreateService", "autoScaling", X, "RegisterScalableTarget with its policies and scheduled actions"},

    // --- UpdateTaskProtection (timeline) -----------------------------------------------------
    {"UpdateTaskProtection", "cluster", M, "must name the service's cluster"},
    {"UpdateTaskProtection", "tasks", R, "task ids are not modelled (a scenario has none before it runs): give service and count, the service's oldest RUNNING tasks"},
    {"UpdateTaskProtection", "protectionEnabled", M, "neither scale-in nor a deployment stops a protected task"},
    {"UpdateTaskProtection", "expiresInMinutes", M, "1-2880, default 120"},
    {"UpdateTaskProtection", "service", X, "the service whose tasks are protected"},
    {"UpdateTaskProtection", "count", X, "how many of its oldest RUNNING tasks"},

    // --- UpdateService (timeline) ---------------------------------------------------------
    {"UpdateService", "service", M, ""},
    {"UpdateService", "cluster", M, "must name the service's cluster"},
    {"UpdateService", "desiredCount", M, ""},
    {"UpdateService", "taskDefinition", M, ""},
    {"UpdateService", "forceNewDeployment", M, "replaces every task under minimumHealthyPercent/maximumPercent"},
    {"UpdateService", "capacityProviderStrategy", R, "changing the strategy mid-run is not modelled: run two scenarios"},
    {"UpdateService", "deploymentConfiguration", R, "changing the deployment configuration mid-run is not modelled: set it on the service"},
    {"UpdateService", "availabilityZoneRebalancing", R, "AZ rebalancing is not modelled: remove it"},
    {"UpdateService", "networkConfiguration", R, "changing subnets mid-run is not modelled: run two scenarios"},
    {"UpdateService", "placementConstraints", R, "changing placement mid-run is not modelled: run two scenarios"},
    {"UpdateService", "placementStrategy", R, "changing placement mid-run is not modelled: run two scenarios"},
    {"UpdateService", "healthCheckGracePeriodSeconds", R, "changing the grace period mid-run is not modelled: set it on the service"},
    {"UpdateService", "deploymentController", R, "changing the deployment controller is not modelled: run two scenarios"},
    {"UpdateService", "loadBalancers", R, "changing load balancers mid-run is not modelled: set them on the service"},
    {"UpdateService", "serviceConnectConfiguration", R, "Service Connect is not modelled: remove it"},
    {"UpdateService", "volumeConfigurations", R, "EBS volumes attached at launch are not modelled: remove them"},
    {"UpdateService", "monitoring", R,
     "changing the metric resolution during a run is not modelled: remove it, and give monitoring on the service instead"},
    {"UpdateService", "gatewayConnectors", R, "gateway connectors are not modelled: remove them"},
    {"UpdateService", "serviceRegistries", I, "Cloud Map registration: DNS only"},
    {"UpdateService", "vpcLatticeConfigurations", I, "VPC Lattice target registration: routing only"},
    {"UpdateService", "platformVersion", I, "Fargate platform version"},
    {"UpdateService", "enableExecuteCommand", I, kExec},
    {"UpdateService", "enableECSManagedTags", I, kExec},
    {"UpdateService", "propagateTags", I, kTags},

    // --- DeploymentConfiguration and its parts --------------------------------------------
    {"DeploymentConfiguration", "maximumPercent", M, ""},
    {"DeploymentConfiguration", "minimumHealthyPercent", M, ""},
    {"DeploymentConfiguration", "deploymentCircuitBreaker", M, ""},
    {"DeploymentConfiguration", "strategy", M, "ROLLING; BLUE_GREEN, LINEAR and CANARY refused until modelled"},
    {"DeploymentConfiguration", "bakeTimeInMinutes", M, "0 only (it belongs to blue/green, linear and canary)"},
    {"DeploymentConfiguration", "alarms", M, "enable: false only (CloudWatch alarm rollback is not modelled)"},
    {"DeploymentConfiguration", "lifecycleHooks", R, "lifecycle hooks (blue/green, linear, canary) are not modelled: remove them"},
    {"DeploymentConfiguration", "linearConfiguration", R, "linear deployments are not modelled: use a rolling update"},
    {"DeploymentConfiguration", "canaryConfiguration", R, "canary deployments are not modelled: use a rolling update"},
    {"DeploymentConfiguration", "earlySuccessCriteria", R,
     "early success criteria are not modelled: remove them; the deployment completes when the service is steady"},
    {"DeploymentCircuitBreaker", "enable", M, ""},
    {"DeploymentCircuitBreaker", "rollback", M, ""},
    {"DeploymentCircuitBreaker", "resetOnHealthyTask", M, ""},
    {"DeploymentCircuitBreaker", "thresholdConfiguration", M, ""},
    {"ThresholdConfiguration", "type", M, "COUNT, BOUNDED_PERCENT, UNBOUNDED_PERCENT"},
    {"ThresholdConfiguration", "value", M, ""},
    {"DeploymentAlarms", "enable", M, "false only"},
    {"DeploymentAlarms", "alarmNames", M, "read with enable: false; the alarms are not evaluated"},
    {"DeploymentAlarms", "rollback", M, "read with enable: false"},
    {"DeploymentController", "type", M, "ECS; CODE_DEPLOY and EXTERNAL refused"},

    // --- LoadBalancer, network, placement --------------------------------------------------
    {"LoadBalancer", "targetGroupArn", M, "healthy targets serve the load; deregistration delay on stop"},
    {"LoadBalancer", "containerName", M, ""},
    {"LoadBalancer", "containerPort", M, ""},
    {"LoadBalancer", "loadBalancerName", R,
     "Classic Load Balancers are not modelled: give the targetGroupArn of an Application or Network Load Balancer"},
    {"LoadBalancer", "advancedConfiguration", R,
     "the alternate target group and listener rules of blue/green deployments are not modelled yet: remove it"},
    {"NetworkConfiguration", "awsvpcConfiguration", M, ""},
    {"AwsVpcConfiguration", "subnets", M, "each subnet's zone (subnets in the scenario, or one zone per subnet)"},
    {"AwsVpcConfiguration", "securityGroups", I, "security groups: traffic rules only"},
    {"AwsVpcConfiguration", "assignPublicIp", I, "public IP: addressing only"},
    {"CapacityProviderStrategyItem", "capacityProvider", M, ""},
    {"CapacityProviderStrategyItem", "weight", M, ""},
    {"CapacityProviderStrategyItem", "base", M, ""},
    {"PlacementStrategy", "type", M, "binpack, spread, random"},
    {"PlacementStrategy", "field", M, ""},
    {"PlacementConstraint", "type", M, "distinctInstance, memberOf"},
    {"PlacementConstraint", "expression", M, "cluster query language"},

    // --- RegisterTaskDefinition (and a describe-task-definition paste) ---------------------
    {"RegisterTaskDefinition", "family", M, ""},
    {"RegisterTaskDefinition", "revision", M, "the revision number a service may name (family:revision)"},
    {"RegisterTaskDefinition", "taskDefinitionArn", M, "describe-task-definition: family:revision taken from the ARN"},
    {"RegisterTaskDefinition", "networkMode", M, "awsvpc, bridge, host, none"},
    {"RegisterTaskDefinition", "containerDefinitions", M, ""},
    {"RegisterTaskDefinition", "requiresCompatibilities", M, ""},
    {"RegisterTaskDefinition", "cpu", M, ""},
    {"RegisterTaskDefinition", "memory", M, ""},
    {"RegisterTaskDefinition", "runtimePlatform", M, ""},
    {"RegisterTaskDefinition", "ephemeralStorage", M, "Fargate storage above 20 GiB is billed"},
    {"RegisterTaskDefinition", "placementConstraints", M, "memberOf, added to the service's or the RunTask's (EC2 only)"},
    {"RegisterTaskDefinition", "inferenceAccelerators", R, "Elastic Inference is not modelled (and discontinued by AWS): remove it"},
    {"RegisterTaskDefinition", "trustedExecutionConfiguration", R, "trusted execution is not modelled: remove it"},
    {"RegisterTaskDefinition", "volumes", I, "bind mounts, Docker and EFS volumes: no effect on placement, start time or cost in ecsim"},
    {"RegisterTaskDefinition", "proxyConfiguration", I, "App Mesh proxy settings: the proxy container itself is in containerDefinitions"},
    {"RegisterTaskDefinition", "taskRoleArn", I, kIam},
    {"RegisterTaskDefinition", "executionRoleArn", I, kIam},
    {"RegisterTaskDefinition", "tags", I, kTags},
    {"RegisterTaskDefinition", "pidMode", I, kInside},
    {"RegisterTaskDefinition", "ipcMode", I, kInside},
    {"RegisterTaskDefinition", "enableFaultInjection", I, "allows fault injection; injects nothing by itself"},
    {"RegisterTaskDefinition", "status", I, kState},
    {"RegisterTaskDefinition", "requiresAttributes", I, kState},
    {"RegisterTaskDefinition", "compatibilities", I, kState},
    {"RegisterTaskDefinition", "registeredAt", I, kState},
    {"RegisterTaskDefinition", "registeredBy", I, kState},
    {"RegisterTaskDefinition", "deregisteredAt", I, kState},
    {"RegisterTaskDefinition", "deleteRequestedAt", I, kState},
    {"RegisterTaskDefinition", "ecsim", X, "image size, start time, capacity, memory use, failures"},
    {"RuntimePlatform", "cpuArchitecture", M, "X86_64, ARM64 (prices differ)"},
    {"RuntimePlatform", "operatingSystemFamily", M, "LINUX; Windows families refused"},
    {"EphemeralStorage", "sizeInGiB", M, ""},

    // --- ContainerDefinition --------------------------------------------------------------
    {"ContainerDefinition", "name", M, ""},
    {"ContainerDefinition", "image", M, "its size is ecsim.imageSizeMiB"},
    {"ContainerDefinition", "cpu", M, "adds up to the task's when the task level has none"},
    {"ContainerDefinition", "memory", M, "adds up to the task's when the task level has none"},
    {"ContainerDefinition", "memoryReservation", M, "adds up to the task's when the task level has none"},
    {"ContainerDefinition", "essential", M, ""},
    {"ContainerDefinition", "portMappings", M, "host ports held on the instance"},
    {"ContainerDefinition", "dependsOn", M, "start order"},
    {"ContainerDefinition", "healthCheck", M, ""},
    {"ContainerDefinition", "stopTimeout", M, ""},
    {"ContainerDefinition", "resourceRequirements", M, "GPUs reserved on the instance (EC2 only); InferenceAccelerator refused"},
    {"ContainerDefinition", "restartPolicy", M, "enabled: false only (in-place container restarts are not modelled)"},
    {"ContainerDefinition", "startTimeout", I, "ecsim's containers always reach their dependency condition, so the timeout never expires"},
    {"ContainerDefinition", "repositoryCredentials", I, kIam},
    {"ContainerDefinition", "secrets", I, kIam},
    {"ContainerDefinition", "credentialSpecs", I, kIam},
    {"ContainerDefinition", "logConfiguration", I, kLogs},
    {"ContainerDefinition", "firelensConfiguration", I, kLogs},
    {"ContainerDefinition", "links", I, kInside},
    {"ContainerDefinition", "entryPoint", I, kInside},
    {"ContainerDefinition", "command", I, kInside},
    {"ContainerDefinition", "environment", I, kInside},
    {"ContainerDefinition", "environmentFiles", I, kInside},
    {"ContainerDefinition", "mountPoints", I, kInside},
    {"ContainerDefinition", "volumesFrom", I, kInside},
    {"ContainerDefinition", "linuxParameters", I, kInside},
    {"ContainerDefinition", "versionConsistency", I, "image digest resolution"},
    {"ContainerDefinition", "hostname", I, kInside},
    {"ContainerDefinition", "user", I, kInside},
    {"ContainerDefinition", "workingDirectory", I, kInside},
    {"ContainerDefinition", "disableNetworking", I, kInside},
    {"ContainerDefinition", "privileged", I, kInside},
    {"ContainerDefinition", "readonlyRootFilesystem", I, kInside},
    {"ContainerDefinition", "dnsServers", I, kInside},
    {"ContainerDefinition", "dnsSearchDomains", I, kInside},
    {"ContainerDefinition", "extraHosts", I, kInside},
    {"ContainerDefinition", "dockerSecurityOptions", I, kInside},
    {"ContainerDefinition", "interactive", I, kInside},
    {"ContainerDefinition", "pseudoTerminal", I, kInside},
    {"ContainerDefinition", "dockerLabels", I, kTags},
    {"ContainerDefinition", "ulimits", I, kInside},
    {"ContainerDefinition", "systemControls", I, kInside},
    {"PortMapping", "containerPort", M, ""},
    {"PortMapping", "hostPort", M, "bridge and host modes hold it on the instance; awsvpc requires it equal to containerPort"},
    {"PortMapping", "protocol", M, "tcp, udp"},
    {"PortMapping", "containerPortRange", R, "port ranges are not modelled: map single ports"},
    {"PortMapping", "name", I, "Service Connect port name"},
    {"PortMapping", "appProtocol", I, "Service Connect protocol"},
    {"HealthCheck", "interval", M, ""},
    {"HealthCheck", "timeout", M, ""},
    {"HealthCheck", "retries", M, ""},
    {"HealthCheck", "startPeriod", M, ""},
    {"HealthCheck", "command", I, "its outcome is ecsim.unhealthyFraction of the task definition"},
    {"ContainerDependency", "containerName", M, ""},
    {"ContainerDependency", "condition", M, "START, COMPLETE, SUCCESS, HEALTHY"},
    {"ResourceRequirement", "type", M, "GPU; InferenceAccelerator refused"},
    {"ResourceRequirement", "value", M, ""},
    {"ResourceRequirement", "sharingStrategy", R, "GPU sharing is not modelled: remove it (each task reserves whole GPUs)"},

    // --- CreateCluster (and a describe-clusters paste) -------------------------------------
    {"CreateCluster", "clusterName", M, ""},
    {"CreateCluster", "capacityProviders", M, ""},
    {"CreateCluster", "defaultCapacityProviderStrategy", M, ""},
    {"CreateCluster", "clusterArn", M, "describe-clusters: services may name the cluster by it"},
    {"CreateCluster", "settings", I, "Container Insights: monitoring only"},
    {"CreateCluster", "configuration", I, "ECS Exec and managed storage encryption settings"},
    {"CreateCluster", "serviceConnectDefaults", I, "Service Connect namespace"},
    {"CreateCluster", "tags", I, kTags},
    {"CreateCluster", "status", I, kState},
    {"CreateCluster", "registeredContainerInstancesCount", I, kState},
    {"CreateCluster", "runningTasksCount", I, kState},
    {"CreateCluster", "pendingTasksCount", I, kState},
    {"CreateCluster", "activeServicesCount", I, kState},
    {"CreateCluster", "statistics", I, kState},
    {"CreateCluster", "attachments", I, kState},
    {"CreateCluster", "attachmentsStatus", I, kState},

    // --- RunTask --------------------------------------------------------------------------
    {"RunTask", "cluster", M, ""},
    {"RunTask", "taskDefinition", M, ""},
    {"RunTask", "count", M, "tasks per RunTask call (1 to 10): each arrival starts this many"},
    {"RunTask", "launchType", M, "FARGATE"},
    {"RunTask", "capacityProviderStrategy", M, ""},
    {"RunTask", "placementConstraints", M, ""},
    {"RunTask", "placementStrategy", M, ""},
    {"RunTask", "networkConfiguration", M, "awsvpcConfiguration.subnets choose the zones"},
    {"RunTask", "overrides", R, "task overrides (CPU, memory, containers) are not modelled: register a task definition with those values"},
    {"RunTask", "volumeConfigurations", R, "EBS volumes attached at launch are not modelled: remove them"},
    {"RunTask", "group", I, "task group name: placement by task group is not offered"},
    {"RunTask", "platformVersion", I, "Fargate platform version"},
    {"RunTask", "startedBy", I, kArn},
    {"RunTask", "referenceId", I, kArn},
    {"RunTask", "clientToken", I, kToken},
    {"RunTask", "tags", I, kTags},
    {"RunTask", "propagateTags", I, kTags},
    {"RunTask", "enableECSManagedTags", I, kExec},
    {"RunTask", "enableExecuteCommand", I, kExec},
    {"RunTask", "name", X, "the group's name in outputs"},
    {"RunTask", "arrivals", X, "when RunTask is called"},
    {"RunTask", "retry", X, "how often a failed task is run again"},
    {"RunTask", "client", X, "the caller's AWS SDK retry settings for throttled calls (standard mode)"},

    // --- CreateCapacityProvider ------------------------------------------------------------
    {"CreateCapacityProvider", "name", M, ""},
    {"CreateCapacityProvider", "autoScalingGroupProvider", M, ""},
    {"CreateCapacityProvider", "managedInstancesProvider", M, "ECS Managed Instances"},
    {"CreateCapacityProvider", "cluster", I, "the cluster is the one whose capacityProviders name it"},
    {"CreateCapacityProvider", "tags", I, kTags},
    {"CreateCapacityProvider", "capacityProviderArn", I, kArn},
    {"CreateCapacityProvider", "status", I, kState},
    {"CreateCapacityProvider", "updateStatus", I, kState},
    {"CreateCapacityProvider", "updateStatusReason", I, kState},
    {"CreateCapacityProvider", "type", I, kState},
    {"CreateCapacityProvider", "autoScalingGroup", X, "the Auto Scaling group itself (CreateAutoScalingGroup)"},
    {"CreateCapacityProvider", "ecsim", X, "instance ENIs and attributes"},
    {"AutoScalingGroupProvider", "managedScaling", M, ""},
    {"AutoScalingGroupProvider", "managedTerminationProtection", M, "needs managed scaling and NewInstancesProtectedFromScaleIn"},
    {"AutoScalingGroupProvider", "managedDraining", M, ""},
    {"AutoScalingGroupProvider", "autoScalingGroupArn", I, "the group is given in autoScalingGroup"},
    {"MonitoringConfiguration", "metricConfigurations", M, ""},
    {"MetricConfiguration", "metricNames", M, "CPUUtilization, MemoryUtilization"},
    {"MetricConfiguration", "resolutionSeconds", M, "20 or 60"},
    {"ManagedInstancesProvider", "instanceLaunchTemplate", M, ""},
    {"ManagedInstancesProvider", "infrastructureOptimization", M, "scaleInAfter: idle and underused instances"},
    {"ManagedInstancesProvider", "infrastructureRoleArn", I, kIam},
    {"ManagedInstancesProvider", "propagateTags", I, kTags},
    {"ManagedInstancesProvider", "autoRepairConfiguration", I,
     "replaces instances whose health is impaired; ecsim's instances never become impaired, so it changes nothing here"},
    {"InstanceLaunchTemplate", "networkConfiguration", M, "subnets choose the zones"},
    {"InstanceLaunchTemplate", "capacityOptionType", M, "ON_DEMAND, SPOT; RESERVED refused"},
    {"InstanceLaunchTemplate", "instanceRequirements", M, "which instance types ECS may choose"},
    {"InstanceLaunchTemplate", "ec2InstanceProfileArn", I, kIam},
    {"InstanceLaunchTemplate", "monitoring", I, "CloudWatch detailed monitoring: its charges are outside ecsim's costs"},
    {"InstanceLaunchTemplate", "instanceMetadataTagsPropagation", I, kTags},
    {"InstanceLaunchTemplate", "fipsEnabled", I, "FIPS-validated modules: no effect on scheduling or price"},
    {"InstanceLaunchTemplate", "nitroEnclavesEnabled", I, "Nitro Enclaves: no effect on scheduling or price"},
    {"InstanceLaunchTemplate", "storageConfiguration", I,
     "the root volume's size; ecsim bills no EBS storage, for Managed Instances as for Auto Scaling groups"},
    {"InstanceLaunchTemplate", "localStorageConfiguration", I, "where task storage lives on the instance; ecsim models no storage"},
    {"InstanceLaunchTemplate", "capacityReservations", R,
     "EC2 Capacity Reservations are not modelled: remove it (and capacityOptionType RESERVED) to run On-Demand"},
    {"ManagedInstancesNetworkConfiguration", "subnets", M, "their zones are where instances launch"},
    {"ManagedInstancesNetworkConfiguration", "securityGroups", I, "traffic rules only"},
    {"InfrastructureOptimization", "scaleInAfter", M, "null: timings.managedInstances.defaultScaleInAfter; -1: off; 0-3600 s"},
    {"InstanceRequirementsRequest", "vCpuCount", M, ""},
    {"InstanceRequirementsRequest", "memoryMiB", M, ""},
    {"InstanceRequirementsRequest", "memoryGiBPerVCpu", M, ""},
    {"InstanceRequirementsRequest", "cpuManufacturers", M, "from the type's family (a: AMD, g: AWS Graviton, else Intel)"},
    {"InstanceRequirementsRequest", "allowedInstanceTypes", M, "wildcards as EC2 takes them (c6i.*, m6*.*)"},
    {"InstanceRequirementsRequest", "excludedInstanceTypes", M, "wildcards as EC2 takes them"},
    {"InstanceRequirementsRequest", "burstablePerformance", M, "T types; excluded by default"},
    {"InstanceRequirementsRequest", "bareMetal", M, ".metal types; excluded by default"},
    {"InstanceRequirementsRequest", "acceleratorCount", M, "the table's GPU count"},
    {"InstanceRequirementsRequest", "networkInterfaceCount", M, "the ENI counts ecsim uses for placement"},
    {"InstanceRequirementsRequest", "networkBandwidthGbps", M, "us-east-1 table only"},
    {"InstanceRequirementsRequest", "localStorage", M, "included (the default) only; required and excluded refused"},
    {"InstanceRequirementsRequest", "instanceGenerations", R,
     "instance generations are not in the bundled table, so this is not modelled: remove it, or list types in allowedInstanceTypes"},
    {"InstanceRequirementsRequest", "spotMaxPricePercentageOverLowestPrice", R,
     "price protection is not modelled (ecsim picks the lowest price per task among the types that fit): remove it"},
    {"InstanceRequirementsRequest", "onDemandMaxPricePercentageOverLowestPrice", R,
     "price protection is not modelled (ecsim picks the lowest price per task among the types that fit): remove it"},
    {"InstanceRequirementsRequest", "maxSpotPriceAsPercentageOfOptimalOnDemandPrice", R,
     "price protection is not modelled (ecsim picks the lowest price per task among the types that fit): remove it"},
    {"InstanceRequirementsRequest", "requireHibernateSupport", R, "hibernation support is not in the bundled table, so this is not modelled: remove it"},
    {"InstanceRequirementsRequest", "localStorageTypes", R, "local storage types are not in the bundled table, so this is not modelled: remove it"},
    {"InstanceRequirementsRequest", "totalLocalStorageGB", R, "local storage sizes are not in the bundled table, so this is not modelled: remove it"},
    {"InstanceRequirementsRequest", "baselineEbsBandwidthMbps", R, "EBS bandwidth is not in the bundled table, so this is not modelled: remove it"},
    {"InstanceRequirementsRequest", "acceleratorTypes", R,
     "accelerator types are not in the bundled table (only GPU counts), so this is not modelled: remove it and use acceleratorCount"},
    {"InstanceRequirementsRequest", "acceleratorManufacturers", R,
     "accelerator makers are not in the bundled table, so this is not modelled: remove it, or list types in allowedInstanceTypes"},
    {"InstanceRequirementsRequest", "acceleratorNames", R,
     "accelerator names are not in the bundled table, so this is not modelled: remove it, or list types in allowedInstanceTypes"},
    {"InstanceRequirementsRequest", "acceleratorTotalMemoryMiB", R,
     "accelerator memory is not in the bundled table, so this is not modelled: remove it, or list types in allowedInstanceTypes"},
    {"ManagedScaling", "status", M, ""},
    {"ManagedScaling", "targetCapacity", M, ""},
    {"ManagedScaling", "minimumScalingStepSize", M, ""},
    {"ManagedScaling", "maximumScalingStepSize", M, ""},
    {"ManagedScaling", "instanceWarmupPeriod", M, ""},

    // --- Subnet (a describe-subnets entry) ---------------------------------------------------
    {"Subnet", "SubnetId", M, ""},
    {"Subnet", "AvailabilityZone", M, "the zone tasks and instances in this subnet run in"},
    {"Subnet", "AvailableIpAddressCount", I, "ecsim's subnets never run out of addresses"},
    {"Subnet", "State", I, kState},
    {"Subnet", "VpcId", I, kArn},
    {"Subnet", "CidrBlock", I, "addressing only"},
    {"Subnet", "DefaultForAz", I, kState},
    {"Subnet", "MapPublicIpOnLaunch", I, "addressing only"},
    {"Subnet", "Tags", I, kTags},
    {"Subnet", "AvailabilityZoneId", I, "the zone's ID; ecsim names zones by AvailabilityZone"},
    {"Subnet", "SubnetArn", I, kArn},
    {"Subnet", "OwnerId", I, kArn},
    {"Subnet", "OutpostArn", R, "subnets on Outposts are not modelled: remove the subnet"},
    {"Subnet", "Type", I, "subnet type: addressing only"},
    {"Subnet", "EnableLniAtDeviceIndex", I, "addressing only"},
    {"Subnet", "MapCustomerOwnedIpOnLaunch", I, "addressing only"},
    {"Subnet", "CustomerOwnedIpv4Pool", I, "addressing only"},
    {"Subnet", "AssignIpv6AddressOnCreation", I, "addressing only"},
    {"Subnet", "Ipv6CidrBlockAssociationSet", I, "addressing only"},
    {"Subnet", "EnableDns64", I, "addressing only"},
    {"Subnet", "Ipv6Native", I, "addressing only"},
    {"Subnet", "PrivateDnsNameOptionsOnLaunch", I, "addressing only"},
    {"Subnet", "BlockPublicAccessStates", I, "traffic rules only"},
    {"Subnet", "NetworkFirewallConnectivityType", I, "traffic rules only"},

    // --- CreateAutoScalingGroup (and a describe-auto-scaling-groups paste) -----------------
    {"CreateAutoScalingGroup", "AutoScalingGroupName", M, ""},
    {"CreateAutoScalingGroup", "MinSize", M, ""},
    {"CreateAutoScalingGroup", "MaxSize", M, ""},
    {"CreateAutoScalingGroup", "DesiredCapacity", M, "in units of WeightedCapacity when the overrides weigh types"},
    {"CreateAutoScalingGroup", "AvailabilityZones", M, ""},
    {"CreateAutoScalingGroup", "VPCZoneIdentifier", M, "the subnets' zones (`subnets`, or one zone per subnet)"},
    {"CreateAutoScalingGroup", "MixedInstancesPolicy", M, ""},
    {"CreateAutoScalingGroup", "NewInstancesProtectedFromScaleIn", M, "required by managedTerminationProtection"},
    {"CreateAutoScalingGroup", "InstanceType", X, "the instance type of a single-type group (AWS keeps it in the launch template)"},
    {"CreateAutoScalingGroup", "LaunchTemplate", I, "the launch template lives outside the scenario; give InstanceType or MixedInstancesPolicy"},
    {"CreateAutoScalingGroup", "LaunchConfigurationName", I, "the launch configuration lives outside the scenario; give InstanceType"},
    {"CreateAutoScalingGroup", "InstanceId", I, "creating a group from an instance: give InstanceType"},
    {"CreateAutoScalingGroup", "AvailabilityZoneIds", R, "zone IDs are not modelled (ecsim names zones): give AvailabilityZones (us-east-1a, ...)"},
    {"CreateAutoScalingGroup", "TerminationPolicies", R,
     "termination policies other than the default are not modelled: remove them (ecsim terminates as ECS managed scale-in does)"},
    {"CreateAutoScalingGroup", "CapacityRebalance", R, "Capacity Rebalancing of Spot instances is not modelled: remove it"},
    {"CreateAutoScalingGroup", "LifecycleHookSpecificationList", R,
     "lifecycle hooks delay launches and terminations, which is not modelled: remove them"},
    {"CreateAutoScalingGroup", "MaxInstanceLifetime", R, "instance replacement by age is not modelled: remove it"},
    {"CreateAutoScalingGroup", "DesiredCapacityType", R, "vcpu and memory-mib capacity types are not modelled: remove it (units)"},
    {"CreateAutoScalingGroup", "CapacityReservationSpecification", R, "capacity reservations are not modelled: remove it"},
    {"CreateAutoScalingGroup", "SuspendedProcesses", R, "suspended Auto Scaling processes are not modelled: remove them"},
    {"CreateAutoScalingGroup", "WarmPoolConfiguration", R, "warm pools are not modelled: remove it"},
    {"CreateAutoScalingGroup", "DefaultCooldown", I, "simple scaling policies' cooldown; ECS managed scaling does not use it"},
    {"CreateAutoScalingGroup", "DefaultInstanceWarmup", I, "the group's own scaling policies; ECS managed scaling uses instanceWarmupPeriod"},
    {"CreateAutoScalingGroup", "LoadBalancerNames", I, "instance registration: ECS registers tasks"},
    {"CreateAutoScalingGroup", "TargetGroupARNs", I, "instance registration: ECS registers tasks"},
    {"CreateAutoScalingGroup", "TrafficSources", I, "instance registration: ECS registers tasks"},
    {"CreateAutoScalingGroup", "HealthCheckType", I, "instance health checks: ecsim's instances do not fail"},
    {"CreateAutoScalingGroup", "HealthCheckGracePeriod", I, "instance health checks: ecsim's instances do not fail"},
    {"CreateAutoScalingGroup", "PlacementGroup", I, "network placement: no effect on timing or cost"},
    {"CreateAutoScalingGroup", "InstanceMaintenancePolicy", I, "instance refresh and replacement: ecsim replaces no healthy instance"},
    {"CreateAutoScalingGroup", "AvailabilityZoneDistribution", I, "behaviour when a zone fails to launch: ecsim's launches do not fail"},
    {"CreateAutoScalingGroup", "AvailabilityZoneImpairmentPolicy", I, "zonal shift: ecsim has no zone impairments"},
    {"CreateAutoScalingGroup", "SkipZonalShiftValidation", I, "zonal shift: ecsim has no zone impairments"},
    {"CreateAutoScalingGroup", "InstanceLifecyclePolicy", I, "instance retention after failed terminations: ecsim's terminations do not fail"},
    {"CreateAutoScalingGroup", "DeletionProtection", I, "protects the group from deletion"},
    {"CreateAutoScalingGroup", "Operator", I, "who manages the group"},
    {"CreateAutoScalingGroup", "ServiceLinkedRoleARN", I, kIam},
    {"CreateAutoScalingGroup", "Context", I, "reserved field"},
    {"CreateAutoScalingGroup", "Tags", I, kTags},
    {"CreateAutoScalingGroup", "AutoScalingGroupARN", I, kArn},
    {"CreateAutoScalingGroup", "PredictedCapacity", I, kState},
    {"CreateAutoScalingGroup", "Instances", I, kState},
    {"CreateAutoScalingGroup", "CreatedTime", I, kState},
    {"CreateAutoScalingGroup", "EnabledMetrics", I, "group metrics collection: monitoring only"},
    {"CreateAutoScalingGroup", "Status", I, kState},
    {"CreateAutoScalingGroup", "WarmPoolSize", I, kState},
    {"MixedInstancesPolicy", "LaunchTemplate", M, ""},
    {"MixedInstancesPolicy", "InstancesDistribution", M, ""},
    {"InstancesDistribution", "OnDemandAllocationStrategy", M, "prioritized (override order), lowest-price (On-Demand price per capacity unit)"},
    {"InstancesDistribution", "OnDemandBaseCapacity", M, ""},
    {"InstancesDistribution", "OnDemandPercentageAboveBaseCapacity", M, ""},
    {"InstancesDistribution", "SpotAllocationStrategy", M, ""},
    {"InstancesDistribution", "SpotInstancePools", R,
     "the number of lowest-price Spot pools is not modelled: remove it, or use price-capacity-optimized"},
    {"InstancesDistribution", "SpotMaxPrice", R, "a Spot price cap is not modelled: remove it (the default caps at the On-Demand price)"},
    {"InstancesDistribution", "DistributionSegments", R, "distribution segments are not modelled: remove them"},
    {"LaunchTemplate", "Overrides", M, ""},
    {"LaunchTemplate", "LaunchTemplateSpecification", I, "the launch template lives outside the scenario"},
    {"LaunchTemplateOverrides", "InstanceType", M, ""},
    {"LaunchTemplateOverrides", "WeightedCapacity", M, "capacity units per instance; MinSize, MaxSize and DesiredCapacity count units (not with managed scaling)"},
    {"LaunchTemplateOverrides", "InstanceRequirements", R,
     "attribute-based instance type selection is not modelled: list the instance types as InstanceType overrides"},
    {"LaunchTemplateOverrides", "LaunchTemplateSpecification", I, "the launch template lives outside the scenario"},
    {"LaunchTemplateOverrides", "ImageId", I, "the AMI: no effect on timing or cost in ecsim"},

    // --- Application Auto Scaling ----------------------------------------------------------
    {"RegisterScalableTarget", "MinCapacity", M, ""},
    {"RegisterScalableTarget", "MaxCapacity", M, ""},
    {"RegisterScalableTarget", "SuspendedState", R, "suspended scaling is not modelled: remove it, or remove the policies you want suspended"},
    {"RegisterScalableTarget", "ServiceNamespace", I, kTarget},
    {"RegisterScalableTarget", "ResourceId", I, kTarget},
    {"RegisterScalableTarget", "ScalableDimension", I, kTarget},
    {"RegisterScalableTarget", "RoleARN", I, kIam},
    {"RegisterScalableTarget", "Tags", I, kTags},
    {"RegisterScalableTarget", "ScalableTargetARN", I, kArn},
    {"RegisterScalableTarget", "PredictedCapacity", I, kState},
    {"RegisterScalableTarget", "CreationTime", I, kState},
    {"RegisterScalableTarget", "policies", X, "PutScalingPolicy inputs"},
    {"RegisterScalableTarget", "scheduledActions", X, "PutScheduledAction inputs"},
    {"PutScalingPolicy", "PolicyName", M, ""},
    {"PutScalingPolicy", "PolicyType", M, "TargetTrackingScaling, StepScaling, PredictiveScaling"},
    {"PutScalingPolicy", "TargetTrackingScalingPolicyConfiguration", M, ""},
    {"PutScalingPolicy", "StepScalingPolicyConfiguration", M, ""},
    {"PutScalingPolicy", "PredictiveScalingPolicyConfiguration", M, "one PredictiveScaling policy per service"},
    {"PutScalingPolicy", "forecaster", X, "predictive scaling's forecaster: {type: SameHourMean, days: 1-14} (default 7 days)"},
    {"PutScalingPolicy", "ServiceNamespace", I, kTarget},
    {"PutScalingPolicy", "ResourceId", I, kTarget},
    {"PutScalingPolicy", "ScalableDimension", I, kTarget},
    {"PutScalingPolicy", "PolicyARN", I, kArn},
    {"PutScalingPolicy", "Alarms", I, "describe output: the alarms AWS created; a step policy's alarm is given in `alarm`"},
    {"PutScalingPolicy", "CreationTime", I, kState},
    {"PutScalingPolicy", "alarm", X, "the CloudWatch alarm that drives a step scaling policy"},
    {"TargetTrackingScalingPolicyConfiguration", "TargetValue", M, ""},
    {"TargetTrackingScalingPolicyConfiguration", "PredefinedMetricSpecification", M, ""},
    {"TargetTrackingScalingPolicyConfiguration", "ScaleOutCooldown", M, ""},
    {"TargetTrackingScalingPolicyConfiguration", "ScaleInCooldown", M, ""},
    {"TargetTrackingScalingPolicyConfiguration", "DisableScaleIn", M, ""},
    {"TargetTrackingScalingPolicyConfiguration", "CustomizedMetricSpecification", R,
     "custom metrics are not modelled: use a PredefinedMetricSpecification"},
    {"PredefinedMetricSpecification", "PredefinedMetricType", M, ""},
    {"PredictiveScalingPolicyConfiguration", "MetricSpecifications", M, "exactly one"},
    {"PredictiveScalingPolicyConfiguration", "Mode", M, "ForecastOnly (default), ForecastAndScale"},
    {"PredictiveScalingPolicyConfiguration", "SchedulingBufferTime", M, "0-3599 s, default 300"},
    {"PredictiveScalingPolicyConfiguration", "MaxCapacityBreachBehavior", M, "HonorMaxCapacity (default), IncreaseMaxCapacity"},
    {"PredictiveScalingPolicyConfiguration", "MaxCapacityBuffer", M, "percent of the forecast, with IncreaseMaxCapacity"},
    {"PredictiveScalingMetricSpecification", "TargetValue", M, ""},
    {"PredictiveScalingMetricSpecification", "PredefinedMetricPairSpecification", M,
     "ECSServiceCPUUtilization, ECSServiceMemoryUtilization, ALBRequestCount"},
    {"PredictiveScalingMetricSpecification", "PredefinedLoadMetricSpecification", M, "with a scaling metric of the same family"},
    {"PredictiveScalingMetricSpecification", "PredefinedScalingMetricSpecification", M, "with a load metric of the same family"},
    {"PredictiveScalingMetricSpecification", "CustomizedScalingMetricSpecification", R,
     "custom metrics (metric math queries) are not modelled: use a PredefinedMetricPairSpecification"},
    {"PredictiveScalingMetricSpecification", "CustomizedLoadMetricSpecification", R,
     "custom metrics (metric math queries) are not modelled: use a PredefinedMetricPairSpecification"},
    {"PredictiveScalingMetricSpecification", "CustomizedCapacityMetricSpecification", R,
     "custom capacity metrics are not modelled: ecsim counts the service's tasks; use a PredefinedMetricPairSpecification"},
    {"PredictiveScalingPredefinedMetricPairSpecification", "PredefinedMetricType", M, ""},
    {"PredictiveScalingPredefinedMetricPairSpecification", "ResourceLabel", I, "names the ALB target group; ecsim's is the service's load balancer"},
    {"PredictiveScalingPredefinedLoadMetricSpecification", "PredefinedMetricType", M,
     "ECSServiceTotalCPUUtilization, ECSServiceTotalMemoryUtilization, TotalALBRequestCount"},
    {"PredictiveScalingPredefinedLoadMetricSpecification", "ResourceLabel", I, "names the ALB target group; ecsim's is the service's load balancer"},
    {"PredictiveScalingPredefinedScalingMetricSpecification", "PredefinedMetricType", M,
     "ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget"},
    {"PredictiveScalingPredefinedScalingMetricSpecification", "ResourceLabel", I, "names the ALB target group; ecsim's is the service's load balancer"},
    {"PredefinedMetricSpecification", "ResourceLabel", I, "names the ALB target group; ecsim's is the service's load balancer"},
    {"StepScalingPolicyConfiguration", "AdjustmentType", M, ""},
    {"StepScalingPolicyConfiguration", "StepAdjustments", M, ""},
    {"StepScalingPolicyConfiguration", "MinAdjustmentMagnitude", M, ""},
    {"StepScalingPolicyConfiguration", "Cooldown", M, ""},
    {"StepScalingPolicyConfiguration", "MetricAggregationType", M, "Average only (the alarm's statistic); Minimum and Maximum refused"},
    {"StepAdjustment", "MetricIntervalLowerBound", M, ""},
    {"StepAdjustment", "MetricIntervalUpperBound", M, ""},
    {"StepAdjustment", "ScalingAdjustment", M, ""},
    {"PutScheduledAction", "ScheduledActionName", M, ""},
    {"PutScheduledAction", "Schedule", M, "at(), rate(), cron()"},
    {"PutScheduledAction", "StartTime", M, ""},
    {"PutScheduledAction", "EndTime", M, ""},
    {"PutScheduledAction", "ScalableTargetAction", M, ""},
    {"PutScheduledAction", "Timezone", M, "UTC only (Etc/UTC, UTC); other time zones refused"},
    {"PutScheduledAction", "ServiceNamespace", I, kTarget},
    {"PutScheduledAction", "ResourceId", I, kTarget},
    {"PutScheduledAction", "ScalableDimension", I, kTarget},
    {"PutScheduledAction", "ScheduledActionARN", I, kArn},
    {"PutScheduledAction", "CreationTime", I, kState},
    {"ScalableTargetAction", "MinCapacity", M, ""},
    {"ScalableTargetAction", "MaxCapacity", M, ""},
};

using Key = std::pair<std::string_view, std::string_view>;

const std::map<Key, const AwsField*>& index() {
  static const std::map<Key, const AwsField*> idx = [] {
    std::map<Key, const AwsField*> m;
    for (const auto& f : kFields) m.emplace(Key{f.shape, f.field}, &f);
    return m;
  }();
  return idx;
}

}  // namespace

const char* field_class_name(FieldClass c) {
  switch (c) {
    case FieldClass::kModelled: return "modelled";
    case FieldClass::kRefused: return "refused";
    case FieldClass::kInert: return "inert";
    case FieldClass::kExtension: return "ecsim";
  }
  return "?";
}

const std::vector<AwsShape>& aws_shapes() { return kShapes; }
const std::vector<AwsField>& aws_fields() { return kFields; }

const AwsField* find_aws_field(std::string_view shape, std::string_view field) {
  const auto& m = index();
  auto it = m.find(Key{shape, field});
  return it == m.end() ? nullptr : it->second;
}

const AwsShape* find_aws_shape(std::string_view shape) {
  for (const auto& s : kShapes)
    if (s.name == shape) return &s;
  return nullptr;
}

std::string aws_fields_markdown() {
  std::string out;
  for (const auto& s : kShapes) {
    std::string api;
    for (auto a : s.api_shapes) api += (api.empty() ? "" : ", ") + std::string(a);
    out += fmt::format("#### {} (`{}`)\n\n{} API shapes: {}.\n\n| field | class | note |\n| --- | --- | --- |\n", s.name, s.where,
                       s.service, api);
    for (const auto& f : kFields)
      if (f.shape == s.name) out += fmt::format("| `{}` | {} | {} |\n", f.field, field_class_name(f.cls), f.note);
    out += "\n";
  }
  return out;
}

std::string aws_fields_json() {
  nlohmann::ordered_json shapes = nlohmann::ordered_json::array();
  for (const auto& s : kShapes) {
    nlohmann::ordered_json j;
    j["shape"] = s.name;
    j["service"] = s.service;
    j["apiShapes"] = nlohmann::ordered_json::array();
    for (auto a : s.api_shapes) j["apiShapes"].push_back(a);
    j["where"] = s.where;
    j["fields"] = nlohmann::ordered_json::array();
    for (const auto& f : kFields)
      if (f.shape == s.name) j["fields"].push_back({{"field", f.field}, {"class", field_class_name(f.cls)}, {"note", f.note}});
    shapes.push_back(std::move(j));
  }
  return shapes.dump(2) + "\n";
}

}  // namespace ecsim::scenarios

"""CloudFormation templates (YAML or JSON) to one format-1 document: read, resolve, map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, NamedTuple

from archplan.errors import InputError
from archplan.findings import Span
from archplan.importers.common import Imported, ImportIssue, ImportOptions, Origin, SourceError
from archplan.importers.intrinsics import (
    DEFAULT_REGION,
    SHORT_TAGS,
    Evaluator,
    Unresolved,
    invalid,
    text,
)
from archplan.loader import Mapping, Node, Scalar, load
from archplan.loader import Sequence as NodeList
from archplan.regions import region_of_zone
from archplan.spelling import did_you_mean, typo_distance

# A literal Availability Zone name gives the template's Region away (us-east-1a -> us-east-1).


# The resource types the importer reads (docs/import.md), each with every property
# CloudFormation declares for it (AWS CloudFormation User Guide, resource type reference): a
# property outside the list is a typo or a newer property, never silently "not set".
PROPERTIES: dict[str, frozenset[str]] = {
    kind: frozenset(names.split())
    for kind, names in {
        "AWS::EC2::VPC": "CidrBlock EnableDnsHostnames EnableDnsSupport InstanceTenancy "
        "Ipv4IpamPoolId Ipv4NetmaskLength Tags",
        "AWS::EC2::VPCCidrBlock": "AmazonProvidedIpv6CidrBlock CidrBlock Ipv4IpamPoolId "
        "Ipv4NetmaskLength Ipv6CidrBlock Ipv6CidrBlockNetworkBorderGroup Ipv6IpamPoolId "
        "Ipv6NetmaskLength Ipv6Pool VpcId",
        "AWS::EC2::Subnet": "AssignIpv6AddressOnCreation AvailabilityZone AvailabilityZoneId "
        "CidrBlock EnableDns64 EnableLniAtDeviceIndex Ipv4IpamPoolId Ipv4NetmaskLength "
        "Ipv6CidrBlock Ipv6IpamPoolId Ipv6Native Ipv6NetmaskLength MapPublicIpOnLaunch "
        "OutpostArn PrivateDnsNameOptionsOnLaunch Tags VpcId",
        "AWS::EC2::RouteTable": "Tags VpcId",
        "AWS::EC2::Route": "CarrierGatewayId CoreNetworkArn DestinationCidrBlock "
        "DestinationIpv6CidrBlock DestinationPrefixListId EgressOnlyInternetGatewayId "
        "GatewayId InstanceId LocalGatewayId NatGatewayId NetworkInterfaceId RouteTableId "
        "TransitGatewayId VpcEndpointId VpcLatticeTargetId VpcPeeringConnectionId",
        "AWS::EC2::SubnetRouteTableAssociation": "RouteTableId SubnetId",
        "AWS::EC2::InternetGateway": "Tags",
        "AWS::EC2::VPNGateway": "AmazonSideAsn Tags Type",
        "AWS::EC2::VPCGatewayAttachment": "InternetGatewayId VpcId VpnGatewayId",
        "AWS::EC2::NatGateway": "AllocationId AvailabilityMode AvailabilityZoneAddresses "
        "ConnectivityType MaxDrainDurationSeconds PrivateIpAddress SecondaryAllocationIds "
        "SecondaryPrivateIpAddressCount SecondaryPrivateIpAddresses SubnetId Tags VpcId",
        "AWS::EC2::VPCPeeringConnection": "PeerOwnerId PeerRegion PeerRoleArn PeerVpcId Tags VpcId",
        "AWS::EC2::TransitGateway": "AmazonSideAsn AssociationDefaultRouteTableId "
        "AutoAcceptSharedAttachments DefaultRouteTableAssociation "
        "DefaultRouteTablePropagation Description DnsSupport EncryptionSupport "
        "MulticastSupport PropagationDefaultRouteTableId SecurityGroupReferencingSupport "
        "Tags TransitGatewayCidrBlocks VpnEcmpSupport",
        "AWS::EC2::TransitGatewayAttachment": "Options SubnetIds Tags TransitGatewayId VpcId",
        "AWS::EC2::TransitGatewayVpcAttachment": "AddSubnetIds Options RemoveSubnetIds "
        "SubnetIds Tags TransitGatewayId VpcId",
        "AWS::EC2::VPCEndpoint": "DnsOptions IpAddressType PolicyDocument PrivateDnsEnabled "
        "ResourceConfigurationArn RouteTableIds SecurityGroupIds ServiceName "
        "ServiceNetworkArn ServiceRegion SubnetIds Tags VpcEndpointType VpcId",
        "AWS::EC2::SecurityGroup": "GroupDescription GroupName SecurityGroupEgress "
        "SecurityGroupIngress Tags VpcId",
        "AWS::EC2::SecurityGroupIngress": "CidrIp CidrIpv6 Description FromPort GroupId "
        "GroupName IpProtocol SourcePrefixListId SourceSecurityGroupId "
        "SourceSecurityGroupName SourceSecurityGroupOwnerId ToPort",
        "AWS::EC2::SecurityGroupEgress": "CidrIp CidrIpv6 Description DestinationPrefixListId "
        "DestinationSecurityGroupId FromPort GroupId IpProtocol ToPort",
        "AWS::EC2::NetworkAcl": "Tags VpcId",
        "AWS::EC2::NetworkAclEntry": "CidrBlock Egress Icmp Ipv6CidrBlock NetworkAclId "
        "PortRange Protocol RuleAction RuleNumber",
        "AWS::EC2::SubnetNetworkAclAssociation": "NetworkAclId SubnetId",
        "AWS::EC2::TransitGatewayRouteTable": "Tags TransitGatewayId",
        "AWS::EC2::TransitGatewayRouteTableAssociation": "TransitGatewayAttachmentId "
        "TransitGatewayRouteTableId",
        "AWS::EC2::TransitGatewayRouteTablePropagation": "TransitGatewayAttachmentId "
        "TransitGatewayRouteTableId",
        "AWS::EC2::TransitGatewayRoute": "Blackhole DestinationCidrBlock "
        "TransitGatewayAttachmentId TransitGatewayRouteTableId",
        "AWS::NetworkFirewall::FirewallPolicy": "Description FirewallPolicy FirewallPolicyName "
        "Tags",
        "AWS::NetworkFirewall::RuleGroup": "Capacity Description RuleGroup RuleGroupName "
        "SummaryConfiguration Tags Type",
        "AWS::NetworkFirewall::Firewall": "AvailabilityZoneChangeProtection "
        "AvailabilityZoneMappings DeleteProtection Description EnabledAnalysisTypes "
        "FirewallName FirewallPolicyArn FirewallPolicyChangeProtection SubnetChangeProtection "
        "SubnetMappings Tags TransitGatewayId VpcId",
        "AWS::EC2::Instance": "AdditionalInfo Affinity AvailabilityZone BlockDeviceMappings "
        "CpuOptions CreditSpecification DisableApiTermination EbsOptimized "
        "ElasticGpuSpecifications ElasticInferenceAccelerators EnclaveOptions "
        "HibernationOptions HostId HostResourceGroupArn IamInstanceProfile ImageId "
        "InstanceInitiatedShutdownBehavior InstanceType Ipv6AddressCount Ipv6Addresses KernelId "
        "KeyName LaunchTemplate LicenseSpecifications MetadataOptions Monitoring "
        "NetworkInterfaces PlacementGroupName PrivateDnsNameOptions PrivateIpAddress "
        "PropagateTagsToVolumeOnCreation RamdiskId SecurityGroupIds SecurityGroups "
        "SourceDestCheck SsmAssociations SubnetId Tags Tenancy UserData Volumes",
        "AWS::EC2::LaunchTemplate": "LaunchTemplateData LaunchTemplateName "
        "TagSpecifications VersionDescription",
        "AWS::AutoScaling::AutoScalingGroup": "AutoScalingGroupName AvailabilityZoneDistribution "
        "AvailabilityZoneImpairmentPolicy AvailabilityZones CapacityRebalance "
        "CapacityReservationSpecification Context Cooldown DefaultInstanceWarmup "
        "DesiredCapacity DesiredCapacityType HealthCheckGracePeriod HealthCheckType "
        "InstanceId InstanceLifecyclePolicy InstanceMaintenancePolicy LaunchConfigurationName "
        "LaunchTemplate LifecycleHookSpecificationList LoadBalancerNames MaxInstanceLifetime "
        "MaxSize MetricsCollection MinSize MixedInstancesPolicy NewInstancesProtectedFromScaleIn "
        "NotificationConfiguration NotificationConfigurations PlacementGroup "
        "ServiceLinkedRoleARN SkipZonalShiftValidation Tags TargetGroupARNs "
        "TerminationPolicies TrafficSources VPCZoneIdentifier",
        # Containers and functions (archplan.importers.cfn_containers): the writable properties
        # of the resource provider schemas (cfn-lint 1.58.0, schemas of 2026-10-20).
        "AWS::ECS::Cluster": "CapacityProviders ClusterName ClusterSettings Configuration "
        "DefaultCapacityProviderStrategy ServiceConnectDefaults Tags",
        "AWS::ECS::CapacityProvider": "AutoScalingGroupProvider ClusterName ManagedInstancesProvider Name Tags",
        "AWS::ApplicationAutoScaling::ScalableTarget": "MaxCapacity MinCapacity ResourceId "
        "RoleARN ScalableDimension ScheduledActions ServiceNamespace SuspendedState",
        "AWS::ECS::Service": "AvailabilityZoneRebalancing CapacityProviderStrategy Cluster "
        "DeploymentConfiguration DeploymentController DesiredCount EnableECSManagedTags "
        "EnableExecuteCommand ForceNewDeployment GatewayConnectors "
        "HealthCheckGracePeriodSeconds LaunchType LoadBalancers Monitoring "
        "NetworkConfiguration PlacementConstraints PlacementStrategies PlatformVersion "
        "PropagateTags Role SchedulingStrategy ServiceConnectConfiguration ServiceName "
        "ServiceRegistries Tags TaskDefinition VolumeConfigurations "
        "VpcLatticeConfigurations",
        "AWS::ECS::TaskDefinition": "ContainerDefinitions Cpu EnableFaultInjection EphemeralStorage "
        "ExecutionRoleArn Family InferenceAccelerators IpcMode Memory NetworkMode "
        "PidMode PlacementConstraints ProxyConfiguration RequiresCompatibilities "
        "RuntimePlatform Tags TaskRoleArn Volumes",
        "AWS::Lambda::Function": "Architectures CapacityProviderConfig Code CodeSigningConfigArn "
        "DeadLetterConfig Description DurableConfig Environment EphemeralStorage "
        "FileSystemConfigs FunctionName FunctionScalingConfig Handler ImageConfig "
        "KmsKeyArn Layers LoggingConfig MemorySize PackageType PublishToLatestPublished "
        "RecursiveLoop ReservedConcurrentExecutions Role Runtime "
        "RuntimeManagementConfig SnapStart Tags TenancyConfig Timeout TracingConfig "
        "VpcConfig",
        "AWS::EKS::Cluster": "AccessConfig ActiveCertificateAuthorityId BootstrapSelfManagedAddons "
        "CertificateAuthority ComputeConfig ControlPlaneScalingConfig "
        "DeletionProtection EncryptionConfig Force KubeApiServerConfig "
        "KubeControllerManagerConfig KubeSchedulerConfig KubernetesNetworkConfig "
        "Logging Name OutpostConfig RemoteNetworkConfig ResourcesVpcConfig RoleArn "
        "RollbackConfig StorageConfig Tags UpgradePolicy Version ZonalShiftConfig",
        "AWS::EKS::Nodegroup": "AmiType CapacityType ClusterName DiskSize ForceUpdateEnabled InstanceTypes "
        "Labels LaunchTemplate NodeRepairConfig NodeRole NodegroupName ReleaseVersion "
        "RemoteAccess ScalingConfig Subnets Tags Taints UpdateConfig Version "
        "WarmPoolConfig",
        "AWS::AutoScaling::LaunchConfiguration": "AssociatePublicIpAddress "
        "BlockDeviceMappings ClassicLinkVPCId ClassicLinkVPCSecurityGroups EbsOptimized "
        "IamInstanceProfile ImageId InstanceId InstanceMonitoring InstanceType KernelId "
        "KeyName LaunchConfigurationName MetadataOptions PlacementTenancy RamDiskId "
        "SecurityGroups SpotPrice UserData",
    }.items()
}
READ_TYPES = frozenset(PROPERTIES)
# At most this many typing mistakes make an unknown name a typo of a known one (an error).
_TYPOS = 2
# Namespaces where a type one typo away from a read type is taken for a typo (an error).
_TYPO_NAMESPACES = ("AWS::EC2::", "AWS::AutoScaling::")


class Resource(NamedTuple):
    """One entry of `Resources`: its type, properties and where its logical ID is written."""

    logical_id: str
    type: str
    properties: Mapping | None
    key: Span  # the logical ID
    condition: Node | None  # the resource-level `Condition:`


class Template(NamedTuple):
    """One template read into located nodes, with an evaluator bound to its parameters."""

    file: str
    resources: dict[str, Resource]  # created ones of READ_TYPES, in template order
    declared: dict[str, str]  # every logical ID -> its type
    evaluator: Evaluator
    region: str
    region_assumed: bool
    root: Span


def import_sources(paths: Sequence[str], options: ImportOptions) -> Imported:
    """Import every template into one document; a template that is not one raises SourceError."""
    from archplan.importers.cfn_mapping import Mapper

    issues: list[ImportIssue] = []
    templates = [read_template(path, options, issues) for path in paths]
    mapper = Mapper(templates, issues)
    imported = mapper.build()
    declared = {name for template in templates for name in template.evaluator.parameters}
    for name in sorted(set(options.params) - declared - {"AWS::Region", "AWS::AccountId"}):
        first = templates[0]
        issues.append(
            ImportIssue(
                f'--param {name}: no template declares a parameter "{name}"; it was not used',
                Origin(first.file, first.root.line, first.root.column, "Parameters"),
            )
        )
    for template in templates:
        if template.region_assumed and template.evaluator.region_used:
            issues.append(
                ImportIssue(
                    f"no Region given: AWS::Region and Fn::GetAZs assume {template.region}; "
                    "pass --region",
                    Origin(template.file, template.root.line, template.root.column, "AWS::Region"),
                )
            )
    return imported


NOT_A_TEMPLATE = "not a CloudFormation template: it has no top-level Resources section"


def read_template(path: str, options: ImportOptions, issues: list[ImportIssue]) -> Template:
    """Read one template and bind its parameters, or raise SourceError saying why not."""
    from archplan.source import read_source

    name = "<stdin>" if path == "-" else path
    try:
        source = read_source(path, options.max_bytes)
        # A list or a value at the top is refused at its first event, before millions of
        # items are composed only to be refused (5 s for a 16 MB JSON list of `{}`).
        document = load(source.text, SHORT_TAGS, top_mapping=NOT_A_TEMPLATE)
    except InputError as error:
        raise SourceError(name, error.message, error.line, error.column) from None
    root = document.root
    resources_entry = root.entries.get("Resources") if isinstance(root, Mapping) else None
    if not isinstance(root, Mapping) or resources_entry is None:
        raise SourceError(
            name,
            NOT_A_TEMPLATE,
            root.span.line,
            root.span.column,
        )
    if not isinstance(resources_entry.value, Mapping):
        span = resources_entry.value.span
        raise SourceError(
            name, "Resources must be a mapping of logical IDs", span.line, span.column
        )

    def issue(message: str, span: Span, address: str, severity: str = "warning") -> None:
        origin = Origin(name, span.line, span.column, address, span.end_line, span.end_column)
        issues.append(ImportIssue(message, origin, severity))

    for duplicate in document.duplicates:
        issue(
            f'duplicate key "{duplicate.path[-1]}"; the first one is kept',
            duplicate.span,
            ".".join(map(str, duplicate.path)),
        )
    transform = root.entries.get("Transform")
    transforms = _transforms(transform.value) if transform is not None else []
    if transform is not None:
        issue(
            "the template uses a Transform (macro); archplan reads it as written, unexpanded",
            transform.key.span,
            "Transform",
        )
    parameters = _parameters(root, options, issue)
    region, assumed = _region(root, options, parameters)
    conditions_entry = root.entries.get("Conditions")
    conditions = (
        {key: entry.value for key, entry in conditions_entry.value.entries.items()}
        if conditions_entry is not None and isinstance(conditions_entry.value, Mapping)
        else {}
    )
    mappings_entry = root.entries.get("Mappings")
    declared: dict[str, Resource] = {}
    for logical_id, entry in resources_entry.value.entries.items():
        body = entry.value
        if not isinstance(body, Mapping):
            issue(f"resource {logical_id} is not a mapping; left out", body.span, logical_id)
            continue
        kind = body.entries.get("Type")
        properties = body.entries.get("Properties")
        condition = body.entries.get("Condition")
        type_name = str(kind.value.value) if kind and isinstance(kind.value, Scalar) else ""
        if kind is not None and _mistyped(type_name):
            issue(
                f"{logical_id}: {type_name} is not a resource type"
                f"{did_you_mean(type_name, READ_TYPES)}; CloudFormation rejects the template, "
                "and the resource is left out",
                kind.value.span,
                f"{logical_id}.Type",
                "error",
            )
        declared[logical_id] = Resource(
            logical_id,
            type_name,
            properties.value if properties and isinstance(properties.value, Mapping) else None,
            entry.key.span,
            condition.value if condition else None,
        )
    pseudo = {"AWS::Partition": _partition(region), "AWS::URLSuffix": _url_suffix(region)}
    if "AWS::AccountId" in options.params:
        pseudo["AWS::AccountId"] = options.params["AWS::AccountId"]
    attributes = _Attributes(declared)
    evaluator = Evaluator(
        parameters,
        pseudo,
        mappings_entry.value if mappings_entry else None,
        conditions,
        set(declared),
        region,
        attributes.get,
        language_extensions="AWS::LanguageExtensions" in transforms,
        file=name,
    )
    attributes.evaluator = evaluator
    created: dict[str, Resource] = {}
    for logical_id, resource in declared.items():
        if resource.type not in READ_TYPES:
            continue  # whether an IAM role or a security group rule is created is not our affair
        _check_properties(resource, issue)
        if resource.condition is None:
            created[logical_id] = resource
            continue
        try:
            condition = evaluator.value(resource.condition)
            if not isinstance(condition, str):
                raise Unresolved("Condition names a condition", resource.condition.span)
            if evaluator.condition(condition, resource.condition.span):
                created[logical_id] = resource
        except Unresolved as error:
            issue(
                f"{logical_id}: {error.message}; whether it is created is unknown, so it is "
                "left out",
                error.span,
                f"{logical_id}.Condition",
                error.severity,
            )
    types = {logical_id: resource.type for logical_id, resource in declared.items()}
    return Template(name, created, types, evaluator, region, assumed, root.span)


class _Attributes:
    """Fn::GetAtt answered from the template: a VPC's CidrBlock, a subnet's zone."""

    _PROPERTY: ClassVar[dict[tuple[str, str], str]] = {
        ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
        ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
        ("AWS::EC2::Subnet", "CidrBlock"): "CidrBlock",
    }

    def __init__(self, resources: dict[str, Resource]) -> None:
        self.resources = resources
        self.evaluator: Evaluator | None = None
        self._evaluating: list[str] = []  # the attributes being evaluated, outermost first
        self._known: dict[str, tuple[Any] | Unresolved] = {}  # each attribute's value, once

    def get(self, logical_id: str, name: str, span: Span) -> Any:
        resource = self.resources[logical_id]
        prop = self._PROPERTY.get((resource.type, name))
        if prop is None or resource.properties is None or self.evaluator is None:
            return None
        entry = resource.properties.entries.get(prop)
        if entry is None:
            return None
        here = f"{logical_id}.{name}"
        if here in self._evaluating:
            chain = [*self._evaluating[self._evaluating.index(here) :], here]
            raise invalid(
                f"circular reference: {' -> '.join(chain)}; CloudFormation rejects the template",
                span,
            )
        known = self._known.get(here)
        if known is not None:  # a chain of 3,000 GetAtts is walked once, not 3,000 times
            if isinstance(known, Unresolved):
                raise known
            return known[0]
        self._evaluating.append(here)
        try:
            value = self.evaluator.value(entry.value)
        except Unresolved as error:
            self._known[here] = error
            raise
        finally:
            self._evaluating.pop()
        self._known[here] = (value,)
        return value


def _transforms(node: Node) -> list[str]:
    """The names a `Transform:` section declares (one name or a list of them)."""
    items = node.items if isinstance(node, NodeList) else [node]
    return [str(item.value) for item in items if isinstance(item, Scalar)]


def _mistyped(type_name: str) -> bool:
    """An EC2 or Auto Scaling type that is not one but one or two typos from one archplan reads."""
    if type_name in READ_TYPES or not type_name.startswith(_TYPO_NAMESPACES):
        return False
    return min(typo_distance(type_name, known) for known in READ_TYPES) <= _TYPOS


def _check_properties(resource: Resource, issue: Any) -> None:
    """Each property of a read type must be one CloudFormation declares for it: a near miss is
    an error (CloudFormation rejects it, and archplan would read the property as unset)."""
    if resource.properties is None:
        return
    known = PROPERTIES[resource.type]
    for name, entry in resource.properties.entries.items():
        if name in known:
            continue
        hint = did_you_mean(name, known)
        where = f"{resource.logical_id}.Properties.{name}"
        if hint and min(typo_distance(name, other) for other in known) <= _TYPOS:
            issue(
                f"{resource.logical_id}: {resource.type} has no property {name}{hint}; "
                "CloudFormation rejects the template, and archplan does not read it",
                entry.key.span,
                where,
                "error",
            )
        else:
            issue(
                f"{resource.logical_id}: {name} is not a property archplan knows for "
                f"{resource.type}{hint}; it is not read",
                entry.key.span,
                where,
            )


def _parameters(
    root: Mapping, options: ImportOptions, issue: Any
) -> dict[str, str | list[str] | Unresolved]:
    """Each parameter's value: `--param`, else its Default, else the reason it has none."""
    entry = root.entries.get("Parameters")
    found: dict[str, str | list[str] | Unresolved] = {}
    if entry is None or not isinstance(entry.value, Mapping):
        return found
    for name, parameter in entry.value.entries.items():
        body = parameter.value
        fields = body.entries if isinstance(body, Mapping) else {}
        kind_entry = fields.get("Type")
        kind = (
            str(kind_entry.value.value)
            if kind_entry and isinstance(kind_entry.value, Scalar)
            else ""
        )
        default = fields.get("Default")
        span = parameter.key.span
        raw: str | None
        if name in options.params:
            raw = options.params[name]
        elif kind.startswith("AWS::SSM::Parameter::Value"):
            found[name] = Unresolved(
                f"parameter {name} is read from SSM Parameter Store at deployment; "
                f"pass --param {name}=VALUE",
                span,
            )
            continue
        elif default is not None and isinstance(default.value, Scalar):
            raw = text(default.value.value)
            if raw is None:
                raw = ""
        elif default is not None:  # a list written as a YAML sequence
            values = [
                text(n.value) for n in getattr(default.value, "items", []) if isinstance(n, Scalar)
            ]
            raw = ",".join(v for v in values if v is not None)
        else:
            found[name] = Unresolved(
                f"parameter {name} has no Default; pass --param {name}=VALUE", span
            )
            continue
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            found[name] = [item.strip() for item in raw.split(",")] if raw else []
        else:
            found[name] = raw
    return found


def _region(
    root: Mapping, options: ImportOptions, parameters: dict[str, str | list[str] | Unresolved]
) -> tuple[str, bool]:
    """--region, else --param AWS::Region, else the Region of the literal zones, else assumed."""
    if options.region:
        return options.region, False
    if "AWS::Region" in options.params:
        return options.params["AWS::Region"], False
    resources = root.entries.get("Resources")
    if resources is not None and isinstance(resources.value, Mapping):
        for entry in resources.value.entries.values():
            body = entry.value
            properties = body.entries.get("Properties") if isinstance(body, Mapping) else None
            if properties is None or not isinstance(properties.value, Mapping):
                continue
            zone = properties.value.entries.get("AvailabilityZone")
            if zone is not None and isinstance(zone.value, Scalar):
                region = region_of_zone(str(zone.value.value))
                if region is not None:
                    return region, False
    for value in parameters.values():  # a zone chosen by a parameter's default
        for item in value if isinstance(value, list) else [value]:
            region = region_of_zone(item) if isinstance(item, str) else None
            if region is not None:
                return region, False
    return DEFAULT_REGION, True


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _url_suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"

package kafka

import (
	"context"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The values of the reference's ACL enums, in its order. A value's index is
// also its Kafka protocol code; anything Kafka sends beyond them (a USER
// resource, a CREATE_TOKENS operation) reads as UNKNOWN, as in the
// reference.

// ACLResourceTypes are the values of the reference's resource_type enum.
func ACLResourceTypes() []string {
	return []string{"UNKNOWN", "ANY", "TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN"}
}

// ACLPatternTypes are the values of the reference's pattern_type enum.
func ACLPatternTypes() []string { return []string{"UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED"} }

// ACLOperations are the values of the reference's operation enum.
func ACLOperations() []string {
	return []string{"UNKNOWN", "ANY", "ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE",
		"CLUSTER_ACTION", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE"}
}

// ACLPermissions are the values of the reference's permission enum.
func ACLPermissions() []string { return []string{"UNKNOWN", "ANY", "DENY", "ALLOW"} }

// clusterResourceName is the only name a CLUSTER resource can have.
const clusterResourceName = "kafka-cluster"

// ACL is one access control entry on a resource pattern. The enum fields
// hold values of the lists above.
type ACL struct {
	ResourceType string
	ResourceName string
	PatternType  string
	Principal    string
	Host         string
	Operation    string
	Permission   string
}

// ACLFilter selects ACLs. The enum fields take the lists' values (ANY
// matching anything, MATCH for patterns matching the name); a nil name,
// principal or host matches any.
type ACLFilter struct {
	ResourceType string
	ResourceName *string
	PatternType  string
	Principal    *string
	Host         *string
	Operation    string
	Permission   string
}

// filter is the filter that matches exactly the ACL.
func (acl ACL) filter() ACLFilter {
	return ACLFilter{
		ResourceType: acl.ResourceType, ResourceName: &acl.ResourceName, PatternType: acl.PatternType,
		Principal: &acl.Principal, Host: &acl.Host, Operation: acl.Operation, Permission: acl.Permission,
	}
}

// protocol is the filter in Kafka's terms.
func (f ACLFilter) protocol() kmsg.DeleteACLsRequestFilter {
	pf := kmsg.NewDeleteACLsRequestFilter()
	pf.ResourceType = kmsg.ACLResourceType(aclCode(ACLResourceTypes(), f.ResourceType))
	pf.ResourceName = f.ResourceName
	pf.ResourcePatternType = kmsg.ACLResourcePatternType(aclCode(ACLPatternTypes(), f.PatternType))
	pf.Principal = f.Principal
	pf.Host = f.Host
	pf.Operation = kmsg.ACLOperation(aclCode(ACLOperations(), f.Operation))
	pf.PermissionType = kmsg.ACLPermissionType(aclCode(ACLPermissions(), f.Permission))
	return pf
}

// aclCode is the protocol code of the enum value v of values; 0 (UNKNOWN) for
// anything else.
func aclCode(values []string, v string) int8 {
	for i, s := range values {
		if s == v {
			return int8(i)
		}
	}
	return 0
}

// aclName is the enum value of the protocol code c.
func aclName(values []string, c int8) string {
	if c < 0 || int(c) >= len(values) {
		return values[0]
	}
	return values[c]
}

func aclFrom(typ kmsg.ACLResourceType, resource string, pattern kmsg.ACLResourcePatternType,
	principal, host string, op kmsg.ACLOperation, perm kmsg.ACLPermissionType) ACL {
	return ACL{
		ResourceType: aclName(ACLResourceTypes(), int8(typ)),
		ResourceName: resource,
		PatternType:  aclName(ACLPatternTypes(), int8(pattern)),
		Principal:    principal,
		Host:         host,
		Operation:    aclName(ACLOperations(), int8(op)),
		Permission:   aclName(ACLPermissions(), int8(perm)),
	}
}

// DescribeACLs returns the ACLs the filter matches, sorted as the reference
// sorts them.
func (a *Admin) DescribeACLs(ctx context.Context, f ACLFilter) ([]ACL, error) {
	if f.PatternType != "MATCH" || f.ResourceName == nil {
		return a.describeACLs(ctx, f)
	}
	// The embedded cluster reads a MATCH filter as an exact name: match
	// as Kafka does (ResourcePatternFilter.matches), so that both agree.
	wide := f
	wide.PatternType, wide.ResourceName = "ANY", nil
	all, err := a.describeACLs(ctx, wide)
	if err != nil {
		return nil, err
	}
	var acls []ACL
	for _, acl := range all {
		if matchesName(acl, *f.ResourceName) {
			acls = append(acls, acl)
		}
	}
	return acls, nil
}

// matchesName reports whether the ACL's resource pattern matches the name.
func matchesName(acl ACL, name string) bool {
	switch acl.PatternType {
	case "LITERAL":
		return acl.ResourceName == name || acl.ResourceName == "*"
	case "PREFIXED":
		return strings.HasPrefix(name, acl.ResourceName)
	}
	return false
}

func (a *Admin) describeACLs(ctx context.Context, f ACLFilter) ([]ACL, error) {
	// One REST filter is exactly one protocol filter: kadm's ACLBuilder
	// multiplies principals, hosts, resources and permissions into many,
	// and cannot name a CLUSTER resource other than kafka-cluster.
	pf := f.protocol()
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType, req.ResourceName, req.ResourcePatternType = pf.ResourceType, pf.ResourceName, pf.ResourcePatternType
	req.Principal, req.Host, req.Operation, req.PermissionType = pf.Principal, pf.Host, pf.Operation, pf.PermissionType
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, WithMessage(err, aclErrMessage(resp.ErrorMessage))
	}
	var acls []ACL
	for _, r := range resp.Resources {
		for _, e := range r.ACLs {
			acls = append(acls, aclFrom(r.ResourceType, r.ResourceName, r.ResourcePatternType, e.Principal, e.Host, e.Operation, e.PermissionType))
		}
	}
	SortACLs(acls)
	return acls, nil
}

// CreateACLs creates the ACLs in one request. Kafka creates every valid
// one; the error is that of the first that failed.
func (a *Admin) CreateACLs(ctx context.Context, acls []ACL) error {
	errs := make([]error, len(acls))
	req := kmsg.NewPtrCreateACLsRequest()
	var sent []int // index in acls of each creation
	for i, acl := range acls {
		if acl.ResourceType == "CLUSTER" && acl.ResourceName != clusterResourceName {
			// Kafka's own check, made here too because the embedded
			// cluster does not make it.
			errs[i] = WithMessage(kerr.InvalidRequest, "The only valid name for the CLUSTER resource is "+clusterResourceName)
			continue
		}
		// A filter naming every field is the ACL itself.
		pf := acl.filter().protocol()
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType, c.ResourceName, c.ResourcePatternType = pf.ResourceType, *pf.ResourceName, pf.ResourcePatternType
		c.Principal, c.Host, c.Operation, c.PermissionType = *pf.Principal, *pf.Host, pf.Operation, pf.PermissionType
		req.Creations = append(req.Creations, c)
		sent = append(sent, i)
	}
	if len(req.Creations) > 0 {
		resp, err := req.RequestWith(ctx, a.cl)
		if err != nil {
			return err
		}
		for j, r := range resp.Results {
			if j >= len(sent) {
				break
			}
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				errs[sent[j]] = WithMessage(err, aclErrMessage(r.ErrorMessage))
			}
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// DeleteACLs deletes the ACLs the filter matches and returns them, sorted
// as the reference sorts them.
func (a *Admin) DeleteACLs(ctx context.Context, f ACLFilter) ([]ACL, error) {
	if f.PatternType != "MATCH" || f.ResourceName == nil {
		return a.deleteACLs(ctx, []ACLFilter{f})
	}
	// As in DescribeACLs: find what matches, then delete exactly that.
	matching, err := a.DescribeACLs(ctx, f)
	if err != nil || len(matching) == 0 {
		return nil, err
	}
	filters := make([]ACLFilter, len(matching))
	for i, m := range matching {
		filters[i] = m.filter()
	}
	return a.deleteACLs(ctx, filters)
}

func (a *Admin) deleteACLs(ctx context.Context, fs []ACLFilter) ([]ACL, error) {
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, f := range fs {
		req.Filters = append(req.Filters, f.protocol())
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return nil, err
	}
	var acls []ACL
	for _, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return nil, WithMessage(err, aclErrMessage(r.ErrorMessage))
		}
		for _, m := range r.MatchingACLs {
			if m.ErrorCode != 0 {
				continue // not deleted: the Java client reports no binding for it
			}
			acls = append(acls, aclFrom(m.ResourceType, m.ResourceName, m.ResourcePatternType, m.Principal, m.Host, m.Operation, m.PermissionType))
		}
	}
	SortACLs(acls)
	return acls, nil
}

// SortACLs sorts ACLs by resource type, resource name, pattern type,
// principal, host, operation and permission; the enums in their lists'
// order.
func SortACLs(acls []ACL) {
	sort.Slice(acls, func(i, j int) bool {
		x, y := acls[i], acls[j]
		switch {
		case x.ResourceType != y.ResourceType:
			return aclCode(ACLResourceTypes(), x.ResourceType) < aclCode(ACLResourceTypes(), y.ResourceType)
		case x.ResourceName != y.ResourceName:
			return x.ResourceName < y.ResourceName
		case x.PatternType != y.PatternType:
			return aclCode(ACLPatternTypes(), x.PatternType) < aclCode(ACLPatternTypes(), y.PatternType)
		case x.Principal != y.Principal:
			return x.Principal < y.Principal
		case x.Host != y.Host:
			return x.Host < y.Host
		case x.Operation != y.Operation:
			return aclCode(ACLOperations(), x.Operation) < aclCode(ACLOperations(), y.Operation)
		}
		return aclCode(ACLPermissions(), x.Permission) < aclCode(ACLPermissions(), y.Permission)
	})
}

func aclErrMessage(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

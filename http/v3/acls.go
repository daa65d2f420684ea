package v3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// acls serves ACL search, create, batch create and delete.
type acls struct{ *base }

// The ACL resources: search, create (one or a batch) and delete.

func (s *acls) routes() []rest.Route {
	const acls = "/v3/clusters/:cluster_id/acls"
	return []rest.Route{
		{Method: "GET", Path: acls, Name: "api.v3.acls.list", Produces: v3JSON(), Handle: s.searchACLs},
		{Method: "POST", Path: acls, Name: "api.v3.acls.create", Produces: v3JSON(), Consumes: []string{rest.MediaJSON}, Handle: s.createACL},
		{Method: "POST", Path: acls + ":batch", Name: "api.v3.acls.batch-create", Produces: v3JSON(), Consumes: []string{rest.MediaJSON}, Handle: s.createACLBatch},
		{Method: "DELETE", Path: acls, Name: "api.v3.acls.delete", Produces: v3JSON(), Handle: s.deleteACLs},
	}
}

type aclMeta struct {
	Self string `json:"self"`
}

type aclData struct {
	Kind         string  `json:"kind"`
	Metadata     aclMeta `json:"metadata"`
	ClusterID    string  `json:"cluster_id"`
	ResourceType string  `json:"resource_type"`
	ResourceName string  `json:"resource_name"`
	PatternType  string  `json:"pattern_type"`
	Principal    string  `json:"principal"`
	Host         string  `json:"host"`
	Operation    string  `json:"operation"`
	Permission   string  `json:"permission"`
}

type deleteACLsResponse struct {
	Data []aclData `json:"data"`
}

// createACLRequest is one ACL to create; every field is required.
type createACLRequest struct {
	ResourceType *string `json:"resource_type"`
	ResourceName *string `json:"resource_name"`
	PatternType  *string `json:"pattern_type"`
	Principal    *string `json:"principal"`
	Host         *string `json:"host"`
	Operation    *string `json:"operation"`
	Permission   *string `json:"permission"`
}

type createACLBatchRequest struct {
	Data []*createACLRequest `json:"data"`
}

// The enum names the reference's 404 for a bad enum query parameter says.
const (
	enumResourceType = "ResourceType"
	enumPatternType  = "PatternType"
	enumOperation    = "Operation"
	enumPermission   = "Permission"
)

// aclBadRequest is the reference's answer to an ACL parameter it refuses,
// as its inventory of the code records it: "Bad Request: <detail>" (its
// published spec shows the detail alone).
func aclBadRequest(format string, args ...any) error {
	return apierr.New(apierr.CodeBadRequest, "Bad Request: "+format, args...)
}

// aclQuery reads the query of a search or a delete: the enum parameters,
// def when absent and never UNKNOWN (unknown is the message then, with the
// parameter's name), and the name, principal and host, empty when absent.
func aclQuery(c *rest.Call, def, unknown string) (kafka.ACL, error) {
	var q kafka.ACL
	enums := []struct {
		param, enum string
		values      []string
		dst         *string
	}{
		{"resource_type", enumResourceType, kafka.ACLResourceTypes(), &q.ResourceType},
		{"pattern_type", enumPatternType, kafka.ACLPatternTypes(), &q.PatternType},
		{"operation", enumOperation, kafka.ACLOperations(), &q.Operation},
		{"permission", enumPermission, kafka.ACLPermissions(), &q.Permission},
	}
	for _, e := range enums {
		v, err := enumParam(c, e.param, e.enum, def, e.values...)
		if err != nil {
			return q, err
		}
		*e.dst = v
	}
	for _, e := range enums {
		if *e.dst == "UNKNOWN" {
			return q, aclBadRequest(unknown, e.param)
		}
	}
	values := c.R.URL.Query()
	q.ResourceName, q.Principal, q.Host = values.Get("resource_name"), values.Get("principal"), values.Get("host")
	return q, nil
}

// aclFilter is the filter of a query: an empty name, principal or host
// matches any.
func aclFilter(q kafka.ACL) kafka.ACLFilter {
	orAny := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return kafka.ACLFilter{
		ResourceType: q.ResourceType, ResourceName: orAny(q.ResourceName), PatternType: q.PatternType,
		Principal: orAny(q.Principal), Host: orAny(q.Host), Operation: q.Operation, Permission: q.Permission,
	}
}

// aclURL is the search URL of the ACLs the query selects: the self URL of
// an ACL, of a search, and the Location of a created ACL.
func (s *acls) aclURL(c *rest.Call, clusterID string, q kafka.ACL) string {
	params := []struct{ k, v string }{
		{"resource_type", q.ResourceType}, {"resource_name", q.ResourceName}, {"pattern_type", q.PatternType},
		{"principal", q.Principal}, {"host", q.Host}, {"operation", q.Operation}, {"permission", q.Permission},
	}
	var b strings.Builder
	b.WriteString(s.url(c, clusterID, "acls"))
	for i, p := range params {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(javaURLEncode(p.v))
	}
	return b.String()
}

// javaURLEncode encodes s as Java's URLEncoder does, which the reference
// uses for query values: unlike url.QueryEscape it keeps '*' and escapes
// '~'.
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '.', ch == '-', ch == '*', ch == '_':
			b.WriteByte(ch)
		case ch == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

func (s *acls) aclData(c *rest.Call, clusterID string, acls []kafka.ACL) []aclData {
	data := make([]aclData, 0, len(acls))
	for _, a := range acls { // sorted by the kafka layer
		data = append(data, aclData{
			Kind:         "KafkaAcl",
			Metadata:     aclMeta{Self: s.aclURL(c, clusterID, a)},
			ClusterID:    clusterID,
			ResourceType: a.ResourceType,
			ResourceName: a.ResourceName,
			PatternType:  a.PatternType,
			Principal:    a.Principal,
			Host:         a.Host,
			Operation:    a.Operation,
			Permission:   a.Permission,
		})
	}
	return data
}

func (s *acls) searchACLs(c *rest.Call) error {
	q, err := aclQuery(c, "ANY", "%s cannot be UNKNOWN")
	if err != nil {
		return err
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	acls, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ACL, error) {
		return a.DescribeACLs(ctx, aclFilter(q))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList("KafkaAclList", s.aclURL(c, id, q), s.aclData(c, id, acls)))
}

func (s *acls) deleteACLs(c *rest.Call) error {
	// Every enum is required, so that no request deletes every ACL by
	// accident (KREST-4113).
	q, err := aclQuery(c, "UNKNOWN", "%s cannot be unspecified or UNKNOWN")
	if err != nil {
		return err
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	acls, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ACL, error) { return a.DeleteACLs(ctx, aclFilter(q)) })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deleteACLsResponse{Data: s.aclData(c, id, acls)})
}

// errNullPayload is the ACL resources' answer to a missing or null body.
func errNullPayload() error {
	return apierr.New(apierr.CodeInvalidPayload, "Payload error. Null input provided. Data is required.")
}

// decodeACLBody is decodeV3 with the ACL resources' message for a missing
// body.
func decodeACLBody(c *rest.Call, v any) error {
	err := decodeBody(c, v)
	var ke *apierr.Error
	if errors.As(err, &ke) && ke.Code == apierr.CodeInvalidPayload {
		return errNullPayload()
	}
	return err
}

// acl checks a request's fields: all present, enums of their lists (case
// matters in bodies), and values that name one ACL rather than a filter.
func (r *createACLRequest) acl() (kafka.ACL, error) {
	fields := []struct {
		name, enum string
		values     []string
		v          *string
	}{
		{"resource_type", enumResourceType, kafka.ACLResourceTypes(), r.ResourceType},
		{"resource_name", "", nil, r.ResourceName},
		{"pattern_type", enumPatternType, kafka.ACLPatternTypes(), r.PatternType},
		{"principal", "", nil, r.Principal},
		{"host", "", nil, r.Host},
		{"operation", enumOperation, kafka.ACLOperations(), r.Operation},
		{"permission", enumPermission, kafka.ACLPermissions(), r.Permission},
	}
	var missing []string
	for _, f := range fields {
		if f.v == nil {
			missing = append(missing, f.name)
			continue
		}
		if f.values != nil && !slices.Contains(f.values, *f.v) {
			return kafka.ACL{}, apierr.New(apierr.CodeBadRequest, "Cannot deserialize value of type %s from String \"%s\": not one of the values accepted for Enum class: [%s]",
				f.enum, *f.v, strings.Join(f.values, ", "))
		}
	}
	if len(missing) > 0 {
		// A mapping error, which the reference writes without a title.
		return kafka.ACL{}, apierr.New(apierr.CodeBadRequest, "Missing required properties: %s", strings.Join(missing, " "))
	}
	a := kafka.ACL{
		ResourceType: *r.ResourceType, ResourceName: *r.ResourceName, PatternType: *r.PatternType,
		Principal: *r.Principal, Host: *r.Host, Operation: *r.Operation, Permission: *r.Permission,
	}
	switch {
	case a.ResourceType == "ANY" || a.ResourceType == "UNKNOWN":
		return a, aclBadRequest("resource_type cannot be ANY")
	case a.PatternType == "ANY" || a.PatternType == "MATCH" || a.PatternType == "UNKNOWN":
		return a, aclBadRequest("pattern_type cannot be %s", a.PatternType)
	case a.Operation == "ANY" || a.Operation == "UNKNOWN":
		return a, aclBadRequest("operation cannot be ANY")
	case a.Permission == "ANY" || a.Permission == "UNKNOWN":
		return a, aclBadRequest("permission cannot be ANY")
	}
	return a, nil
}

func (s *acls) createACL(c *rest.Call) error {
	var req createACLRequest
	if err := decodeACLBody(c, &req); err != nil {
		return err
	}
	a, err := req.acl()
	if err != nil {
		return err
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	if err := s.admin.Run(c.R.Context(), func(ctx context.Context, adm *kafka.Admin) error { return adm.CreateACLs(ctx, []kafka.ACL{a}) }); err != nil {
		return err
	}
	c.W.Header().Set("Location", s.aclURL(c, id, a))
	c.W.WriteHeader(http.StatusCreated)
	return nil
}

func (s *acls) createACLBatch(c *rest.Call) error {
	var req createACLBatchRequest
	if err := decodeACLBody(c, &req); err != nil {
		return err
	}
	if req.Data == nil {
		return apierr.New(apierr.CodeInvalidPayload, "Payload error. Empty input provided. Data is required.")
	}
	acls := make([]kafka.ACL, 0, len(req.Data))
	for _, r := range req.Data {
		if r == nil {
			return apierr.New(apierr.CodeInvalidPayload, "Payload error. Empty input provided. Data is required.")
		}
		a, err := r.acl()
		if err != nil {
			return err
		}
		acls = append(acls, a)
	}
	if _, err := s.cluster(c); err != nil {
		return err
	}
	if len(acls) > 0 {
		if err := s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error { return a.CreateACLs(ctx, acls) }); err != nil {
			return err
		}
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

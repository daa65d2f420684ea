package actors

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// DescribeACLs returns the ACLs a filter matches.
func (s *System) DescribeACLs(ctx context.Context, f kafka.ACLFilter) ([]kafka.ACL, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ACL, error) {
		return a.DescribeACLs(ctx, f)
	})
}

// CreateACLs creates ACLs.
func (s *System) CreateACLs(ctx context.Context, acls []kafka.ACL) error {
	_, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (struct{}, error) {
		return struct{}{}, a.CreateACLs(ctx, acls)
	})
	return err
}

// DeleteACLs deletes the ACLs a filter matches and returns them.
func (s *System) DeleteACLs(ctx context.Context, f kafka.ACLFilter) ([]kafka.ACL, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ACL, error) {
		return a.DeleteACLs(ctx, f)
	})
}

package v3

// The common shapes of v3 resources: every resource has a kind and
// metadata (self URL and crn:// resource name); every list has a kind,
// metadata (self URL and next, always null) and data.

type resourceMeta struct {
	Self         string `json:"self"`
	ResourceName string `json:"resource_name"`
}

type listMeta struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
}

type related struct {
	Related string `json:"related"`
}

type resourceList[T any] struct {
	Kind     string   `json:"kind"`
	Metadata listMeta `json:"metadata"`
	Data     []T      `json:"data"`
}

func newList[T any](kind, self string, data []T) resourceList[T] {
	if data == nil {
		data = []T{} // the reference writes [], never null
	}
	return resourceList[T]{Kind: kind, Metadata: listMeta{Self: self}, Data: data}
}

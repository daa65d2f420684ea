// Command printinfo prints buildinfo.Read, for the test of LinkerFlags.
package main

import (
	"fmt"

	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

func main() { fmt.Print(buildinfo.Read()) }

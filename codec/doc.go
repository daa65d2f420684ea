// Package codec turns bytes into values and back: JSON request and response
// bodies (with goccy/go-json), and, as the API grows, record data in its
// BINARY, JSON and STRING forms and the schema formats.
package codec

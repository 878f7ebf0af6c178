// Package cart is goescape's example: each function shows one way a value
// ends up on the heap.
package cart

import (
	"fmt"
	"strconv"
)

// Item is one line of a cart.
type Item struct {
	SKU   string
	Count int
}

// Cart holds items.
type Cart struct {
	items []Item
}

// New returns a pointer to a fresh cart: &Cart{} is moved to the heap.
func New() *Cart {
	return &Cart{}
}

// Add appends an item.
func (c *Cart) Add(sku string, n int) {
	c.items = append(c.items, Item{SKU: sku, Count: n})
}

// CountBytes formats a count the expensive way: a string, then a copy.
func CountBytes(n int) []byte {
	return []byte(strconv.Itoa(n))
}

// Label formats through fmt: n is boxed into an interface.
func Label(n int) string {
	return fmt.Sprintf("%d", n)
}

// Counter returns a closure that captures total, moving it to the heap.
func Counter() func() int {
	total := 0
	return func() int {
		total++
		return total
	}
}

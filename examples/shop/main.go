package main

import (
	"os"
	"strconv"

	"example.com/shop/cart"
)

func main() {
	c := cart.New()
	c.Add("apple", 3)
	os.Stdout.Write(cart.CountBytes(len(os.Args)))
	os.Stdout.Write([]byte(cart.Label(7) + "\n"))
	next := cart.Counter()
	os.Stdout.Write(append([]byte(strconv.Itoa(next())), '\n'))
}

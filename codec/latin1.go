package codec

import (
	"bufio"
	"io"
	"unicode/utf8"
)

// Latin1Reader reads r, text in ISO-8859-1, as UTF-8: what a body
// declared with charset=ISO-8859-1 means, as the reference decodes it.
// Every byte is the character of the same number, so ü (0xFC) becomes
// the two bytes C3 BC.
func Latin1Reader(r io.Reader) io.Reader { return &latin1Reader{r: bufio.NewReader(r)} }

type latin1Reader struct {
	r       *bufio.Reader
	pending byte // the second byte of a character that did not fit
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	if l.pending != 0 && len(p) > 0 {
		p[0], l.pending = l.pending, 0
		n = 1
	}
	for n < len(p) {
		if n > 0 && l.r.Buffered() == 0 {
			return n, nil // what is there, without waiting for more
		}
		c, err := l.r.ReadByte()
		if err != nil {
			return n, err
		}
		if c < utf8.RuneSelf {
			p[n] = c
			n++
			continue
		}
		var enc [2]byte
		utf8.EncodeRune(enc[:], rune(c))
		p[n] = enc[0]
		n++
		if n == len(p) {
			l.pending = enc[1]
			return n, nil
		}
		p[n] = enc[1]
		n++
	}
	return n, nil
}

package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// SignatureHeader is the header Tango puts its signature in.
const SignatureHeader = "X-Signed-Payload"

// maxSignatureLen caps the X-Signed-Payload header for a body cap of maxBody and
// a key of keyBytes (0 for HMAC): the base64 length of the largest valid value,
// plus room for padding and whitespace.
func maxSignatureLen(maxBody int64, keyBytes int) int {
	if keyBytes == 0 {
		return 128 // an HMAC-SHA256 in base64 (44) or hex (64)
	}
	blocks := maxBody/int64(keyBytes-11) + 1
	return int((blocks*int64(keyBytes)+2)/3*4) + 16
}

// ParseSignature decodes an X-Signed-Payload value into the candidate byte
// strings it may stand for: standard or URL-safe base64, padded or not, and, for
// a 64-character hexadecimal value, hex. It refuses empty values, values longer
// than maxLen and anything that is none of those encodings. It never panics, for
// any input.
func ParseSignature(value string, maxLen int) ([][]byte, bool) {
	s := strings.TrimSpace(value)
	if s == "" || len(s) > maxLen {
		return nil, false
	}
	var out [][]byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil && len(b) > 0 {
			out = append(out, b)
			break // the alphabets overlap; one decoding of the text is enough
		}
	}
	if len(s) == 2*sha256.Size {
		if b, err := hex.DecodeString(s); err == nil {
			out = append(out, b)
		}
	}
	return out, len(out) > 0
}

// verify checks the signature value against body. Every failure is the same
// false: nothing tells a caller why.
func (v *validated) verify(value string, body []byte) bool {
	cands, ok := ParseSignature(value, maxSignatureLen(v.maxBody, v.keyBytes))
	if !ok {
		return false
	}
	switch v.method {
	case MethodHMAC:
		return v.verifyHMAC(cands, body)
	case MethodX509:
		match := 0
		for _, c := range cands {
			if v.verifyX509(c, body) {
				match = 1
			}
		}
		return match == 1
	}
	return false
}

// verifyHMAC compares every candidate with the HMAC-SHA256 of body under every
// accepted form of the key, in constant time, without stopping early.
func (v *validated) verifyHMAC(cands [][]byte, body []byte) bool {
	match := 0
	for _, key := range v.hmacKeys {
		m := hmac.New(sha256.New, key)
		m.Write(body)
		sum := m.Sum(nil)
		for _, c := range cands {
			match |= subtle.ConstantTimeCompare(c, sum)
		}
	}
	return match == 1
}

// verifyX509 decrypts each key-sized block of sig with the private key and
// compares the plaintexts with what Tango encrypted (the body in k-11 byte
// chunks, or its SHA-256). Decryption uses PKCS#1 v1.5 with SessionKeyLen set to
// the expected length, so a padding failure yields random bytes rather than an
// error, in constant time: the handler is not a padding oracle.
func (v *validated) verifyX509(sig, body []byte) bool {
	k := v.keyBytes
	if len(sig) == 0 || len(sig)%k != 0 || len(body) == 0 {
		return false
	}
	var want [][]byte
	switch v.x509Input {
	case X509SHA256:
		sum := sha256.Sum256(body)
		want = [][]byte{sum[:]}
	default:
		for rest := body; len(rest) > 0; {
			n := min(len(rest), k-11)
			want, rest = append(want, rest[:n]), rest[n:]
		}
	}
	if len(sig)/k != len(want) {
		return false
	}
	match := 1
	for i, w := range want {
		//lint:ignore SA1019 Tango's X509 method is PKCS#1 v1.5 encryption; SessionKeyLen makes the padding check constant-time
		opts := &rsa.PKCS1v15DecryptOptions{SessionKeyLen: len(w)}
		got, err := v.decrypter.Decrypt(rand.Reader, sig[i*k:(i+1)*k], opts)
		if err != nil {
			match = 0
			continue
		}
		match &= subtle.ConstantTimeCompare(got, w)
	}
	return match == 1
}

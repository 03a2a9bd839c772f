package tango

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Tango's i18nKeys for the rules the SDK checks before sending. Using Tango's own
// keys means one error handler serves both sides: a problem caught here carries
// the key Tango would have answered with.
const (
	keyUnprocessable       = "422.001" // generic: no specific key exists for the rule
	keyTooLong             = "422.006" // field must not exceed N characters
	keyRequired            = "422.007" // a value is required
	keyAmountDecimals      = "422.014" // between zero and two decimal places
	keyRecipientIncomplete = "422.028" // recipient information incorrect or incomplete
	keyRecipientEmail      = "422.029" // the item requires a recipient email
	keyAmountDigits        = "422.105" // more than 6 integer digits or 2 decimals
	keyExternalRefIDLength = "422.110" // externalRefID longer than 100 characters
	keyInsecureCharacters  = "422.111" // possibly insecure characters
	keyETIDFormat          = "422.031" // the order etid is not valid (E and 6 digits)
	keyEmailFormat         = "422.134" // not a well-formed email address
	keyNotNegative         = "422.141" // must be greater than or equal to 0
	keyUTIDFormat          = "422.147" // U followed by 1 to 9 digits
	keyAddressRequired     = "422.167" // the item requires a recipient address
	keyAddressNotAllowed   = "422.168" // address not allowed for non-physical items
	keyIdentifierFormat    = "422.501" // must match ^[-a-zA-Z0-9]{5,100}$
)

// Limits Tango documents for request fields, in characters.
const (
	maxExternalRefIDLength = 100  // 422.110
	maxNameLength          = 100  // recipient and sender names
	maxPhysicalNameLength  = 25   // recipient names on physical (ADDRESS) orders
	maxCampaignLength      = 1024 // current reference; older docs said less
	maxNotesLength         = 1024 // current reference; 2020 docs said 150
	maxAsyncNoteLength     = 150  // async order update notes and line item notes
	maxEmailLength         = 254  // RFC 5321 path limit
	maxEmailLocalLength    = 64   // RFC 5321 local-part limit
	maxRequestIntDigits    = 6    // 422.105
	maxRequestDecimals     = 2    // 422.014
)

var (
	etidPattern    = regexp.MustCompile(`^[eE][0-9]{6}$`)
	ptidPattern    = regexp.MustCompile(`^[pP][0-9]{1,99}$`)
	e164Pattern    = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	countryPattern = regexp.MustCompile(`^[A-Za-z]{2,3}$`)
)

// isIdentifier is Tango's rule for customer and account identifiers: 5 to 100
// characters, each an ASCII letter, digit or hyphen. It is a loop, not a regular
// expression, because every order checks two of them.
func isIdentifier(s string) bool {
	if len(s) < 5 || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '-' && !isASCIIAlnum(rune(c)) {
			return false
		}
	}
	return true
}

// isUTID is Tango's rule for reward item ids: U (or u) followed by 1 to 9 ASCII
// digits. A loop, like isIdentifier, since every order checks one.
func isUTID(s string) bool {
	if len(s) < 2 || len(s) > 10 || (s[0] != 'U' && s[0] != 'u') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// textKind says which characters a free-text field may hold.
type textKind int

const (
	singleLine textKind = iota // names, subjects, identifiers: no line breaks
	multiLine                  // messages and notes: tabs and line breaks allowed
)

// validator collects every problem of a request, so that the caller learns about
// all of them at once instead of fixing one field per round trip. Its methods check
// one field each and record a FieldError under Tango's dotted path and i18nKey.
//
// Messages describe the rule, never the value: the value may be an email address,
// a phone number or a secret, and errors end up in logs.
//
// The zero validator is ready to use. Services build one per request:
//
//	var v validator
//	v.identifier("customerIdentifier", r.CustomerIdentifier)
//	...
//	return v.err()
type validator struct {
	fields []FieldError
}

// rule is what every request and list-parameter type implements: validate
// records the value's problems into v. Each type's rules live in validate.go or
// validate_<area>.go, never next to the type.
type rule interface {
	validate(v *validator)
}

// validateRequest runs r's rules with a fresh validator: nil, or a
// *ValidationError listing every problem. Services call it before sending
// anything.
func validateRequest(r rule) error {
	var v validator
	r.validate(&v)
	return v.err()
}

// add records a problem.
func (v *validator) add(path, key, message string) {
	v.fields = append(v.fields, FieldError{Path: path, I18nKey: key, Message: message})
}

// err returns nil when nothing was recorded, else a *ValidationError listing every
// problem in the order the checks ran.
func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: append([]FieldError(nil), v.fields...)}
}

// required records 422.007 when value is empty or only white space, and reports
// whether it was present.
func (v *validator) required(path, value string) bool {
	if isBlank(value) {
		v.add(path, keyRequired, "a value is required")
		return false
	}
	return true
}

// pathID checks a required path parameter (an order, line item or card id): it
// must not be "." or "..", which would be sent as dot segments and address
// another resource than the one named.
func (v *validator) pathID(path, value string) {
	if !v.required(path, value) {
		return
	}
	if isDotSegment(value) {
		v.add(path, keyUnprocessable, `must not be "." or ".."`)
	}
}

// isDotSegment reports whether a path parameter is "." or "..".
func isDotSegment(value string) bool { return value == "." || value == ".." }

// identifier checks a required customer or account identifier: 5 to 100 letters,
// digits or hyphens.
func (v *validator) identifier(path, value string) {
	if !v.required(path, value) {
		return
	}
	if !isIdentifier(value) {
		v.add(path, keyIdentifierFormat, "must be 5 to 100 characters, each a letter, a digit or a hyphen")
	}
}

// utid checks a required reward item id: U followed by 1 to 9 digits.
func (v *validator) utid(path, value string) {
	if !v.required(path, value) {
		return
	}
	if !isUTID(value) {
		v.add(path, keyUTIDFormat, "must be U followed by 1 to 9 digits, such as U561593")
	}
}

// etid checks an optional email template id: E followed by 6 digits.
func (v *validator) etid(path, value string) {
	if value != "" && !etidPattern.MatchString(value) {
		v.add(path, keyETIDFormat, "must be E followed by 6 digits, such as E000000")
	}
}

// ptid checks an optional printable template id: P followed by digits.
func (v *validator) ptid(path, value string) {
	if value != "" && !ptidPattern.MatchString(value) {
		v.add(path, keyUnprocessable, "must be P followed by digits, such as P123")
	}
}

// maxLength records key when value is longer than limit characters. Characters
// are counted as Tango's Java services count them, in UTF-16 code units, so that
// an emoji counts as two.
func (v *validator) maxLength(path, value string, limit int, key string) bool {
	if utf16Length(value) > limit {
		v.add(path, key, fmt.Sprintf("must not exceed %d characters", limit))
		return false
	}
	return true
}

// idempotencyKey checks an optional idempotency key (an externalRefID or a line item's
// externalRefLineItemID): one line of text, at most Tango's length.
func (v *validator) idempotencyKey(path, value string) {
	if v.text(path, value, singleLine) {
		v.maxLength(path, value, maxExternalRefIDLength, keyExternalRefIDLength)
	}
}

// email checks an optional email address (422.134).
func (v *validator) email(path, value string) {
	if value != "" && !isEmailAddress(value) {
		v.add(path, keyEmailFormat, "not a well-formed email address")
	}
}

// mobileNumber checks an optional mobile number in E.164 form (+15555550100): a
// plus sign, a country code that does not start with 0, and 7 to 15 digits in all.
func (v *validator) mobileNumber(path, value string) {
	if value != "" && !e164Pattern.MatchString(value) {
		v.add(path, keyRecipientIncomplete,
			"must be in E.164 form: a plus sign, the country code and the number, digits only, 7 to 15 digits")
	}
}

// text checks a free-text field for the characters Tango refuses as possibly
// insecure (422.111) and reports whether it passed. See unsafeCharacter for the
// list.
func (v *validator) text(path, value string, kind textKind) bool {
	if why := unsafeCharacter(value, kind); why != "" {
		v.add(path, keyInsecureCharacters, "contains possibly insecure characters ("+why+")")
		return false
	}
	return true
}

// boundedText checks a free-text field for unsafe characters and its length.
func (v *validator) boundedText(path, value string, kind textKind, limit int) {
	if v.text(path, value, kind) {
		v.maxLength(path, value, limit, keyTooLong)
	}
}

// requestAmount checks an amount to be sent: present and positive, at most 2
// decimal places that carry value (422.014) and at most 6 digits before the
// decimal point (422.105).
func (v *validator) requestAmount(path string, a Amount) {
	switch a.Sign() {
	case 0:
		v.add(path, keyRequired, "a value greater than zero is required")
		return
	case -1:
		v.add(path, keyNotNegative, "must not be negative")
		return
	}
	if a.decimalPlaces() > maxRequestDecimals {
		v.add(path, keyAmountDecimals, "must have at most 2 decimal places")
	}
	if a.integerDigits() > maxRequestIntDigits {
		v.add(path, keyAmountDigits, "must have at most 6 digits before the decimal point")
	}
}

// unsafeCharacter names the first kind of character in s that Tango may refuse as
// possibly insecure (422.111), or returns "" when s is clean. Tango does not
// publish its list, so the SDK refuses what can carry markup or hide text:
//
//   - '<' and '>' (HTML and script tags);
//   - "&#", the start of a numeric character reference, which smuggles markup past
//     the check above;
//   - control characters, except tab, line feed and carriage return in multi-line
//     fields (messages, notes);
//   - Unicode line and paragraph separators in single-line fields;
//   - bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
//     make text display differently from what it says;
//   - bytes that are not valid UTF-8.
func unsafeCharacter(s string, kind textKind) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	if strings.Contains(s, "&#") {
		return "character reference"
	}
	for _, r := range s {
		switch {
		case r == '<' || r == '>':
			return "markup"
		case r == '\t' || r == '\n' || r == '\r':
			if kind == singleLine {
				return "line break or tab"
			}
		case unicode.IsControl(r):
			return "control character"
		case r == '\u2028' || r == '\u2029':
			if kind == singleLine {
				return "line break or tab"
			}
		case (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069'):
			return "bidirectional control"
		}
	}
	return ""
}

// isEmailAddress reports whether s is a bare, well-formed email address:
// local@domain, no display name, no comments, no quoted local part, a domain of at
// least two dot-separated labels. Letters outside ASCII are allowed, for
// internationalised addresses.
func isEmailAddress(s string) bool {
	if !utf8.ValidString(s) || len(s) > maxEmailLength {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocalLength || !isDotAtom(local) {
		return false
	}
	if !strings.Contains(domain, ".") {
		return false // at least two labels
	}
	var last string
	for l := range strings.SplitSeq(domain, ".") {
		if !isDomainLabel(l) {
			return false
		}
		last = l
	}
	// The top-level domain is never all digits (that would be an IP address).
	return strings.IndexFunc(last, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}

// isDotAtom checks an unquoted local part: atoms of allowed characters separated
// by single dots, with no dot at either end.
func isDotAtom(s string) bool {
	for atom := range strings.SplitSeq(s, ".") {
		if atom == "" {
			return false
		}
		for _, r := range atom {
			if !isAtomRune(r) {
				return false
			}
		}
	}
	return true
}

// isAtomRune reports whether r may appear in an unquoted local part (RFC 5322
// atext, plus letters and digits outside ASCII per RFC 6532).
func isAtomRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(r) || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isDomainLabel checks one DNS label: 1 to 63 letters, digits or hyphens, not
// starting or ending with a hyphen.
func isDomainLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		ok := r == '-' || isASCIIAlnum(r) ||
			(r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)))
		if !ok {
			return false
		}
	}
	return true
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// utf16Length counts s in UTF-16 code units, the way Java's String.length does.
func utf16Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// validate records the paging rules: the page size range and one cursor at most.
func (p *CursorParams) validate(v *validator) {
	if p.MaxResults < 0 || p.MaxResults > MaxCursorPageSize {
		v.add("maxResults", keyUnprocessable, fmt.Sprintf("must be 1 to %d (0 for Tango's default)", MaxCursorPageSize))
	}
	if p.NextCursor != "" && p.PrevCursor != "" {
		v.add("nextCursor", keyUnprocessable, "set nextCursor or prevCursor, not both")
	}
	// Cursors are opaque base64 tokens from Tango; anything that could not be one
	// is refused rather than sent.
	for _, c := range []struct{ path, value string }{{"nextCursor", p.NextCursor}, {"prevCursor", p.PrevCursor}} {
		if c.value != "" && !isCursorToken(c.value) {
			v.add(c.path, keyUnprocessable, "must be a cursor exactly as Tango returned it")
		}
	}
}

// isCursorToken reports whether s only holds characters a base64 cursor can have
// (either alphabet, with padding) and is of a sane length.
func isCursorToken(s string) bool {
	if len(s) > 4096 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := isASCIIAlnum(rune(c)) || c == '+' || c == '/' || c == '-' || c == '_' || c == '='
		if !ok {
			return false
		}
	}
	return true
}

// dateRange records a problem when both ends of a date filter are set and the
// end is before the start.
func (v *validator) dateRange(path string, from, to time.Time) {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.add(path, keyUnprocessable, "must not be before the start of the range")
	}
}

// requirePathID refuses an empty path parameter before anything is sent.
func requirePathID(name, value string) error {
	var v validator
	v.pathID(name, value)
	return v.err()
}

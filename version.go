package tango

// Version is the version of this SDK. It is sent in the User-Agent header so that
// Tango's support can tell which client made a call.
const Version = "0.2.0"

//! golive's live audit of a running service over HTTP and TLS.

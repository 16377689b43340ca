#pragma once
// How large an answer of each kind may be before the client stops reading it:
// the one place these bounds are chosen and explained.
//
// A hostile or broken server (or proxy) can send a body of any size: without
// a bound, a 2 GB body or a 200 MB listing is read into memory whole, and
// flowlink ends in std::bad_alloc (after retrying it). HttpWire reads each
// answer into a buffer that refuses bytes past its bound, refuses at once an
// answer whose Content-Length is already past it, and drops the connection;
// HttpTransport never retries such an answer and reports
//   the server sent a flow configuration document of more than 64 MB for GET /api/v2/flows/…
//
// Genesys documents no size limits for these answers
// (shared/reference/genesys-api.md); the bounds are from what they hold,
// with wide room above anything real:
// - a flow configuration document: real flows are tens of KB to a few MB (the
//   cache-example fixture is 94 KB, the largest flow of the example org
//   110 KB, Architect's biggest IVRs a few MB); 64 MB is over 100 times that.
// - a listing page: GET /api/v2/flows at 500 flows a page (the page size
//   Genesys's own Terraform provider uses), each entry a Flow of a few KB
//   (its versions, lock, operation, schemas); dependency-tracking pages
//   hold 100 entries. 16 MB is 32 KB a flow.
// - one object (a Flow, a FlowVersion, an Operation, the org, the index's
//   status) and every error body: 4 MB, a Flow with very large input and
//   output schemas included.
// - a token answer ({access_token, token_type, expires_in}): a few hundred
//   bytes; 64 KB.
// Tests set small bounds through ClientOptions::answer_limits.

#include <cstddef>
#include <string>

namespace flowlink::genesys {

// What an answer holds, for the bound it gets and the error that names it.
enum class AnswerKind {
  FlowDocument,  // GET .../latestconfiguration, GET .../versions/{v}/configuration
  ListingPage,   // GET /api/v2/flows, GET .../dependencytracking/consuming|consumedresources
  Object,        // one Flow, FlowVersion, Operation, organization, build status
  Token,         // POST /oauth/token
};

struct AnswerLimits {
  std::size_t flow_document = std::size_t{64} << 20;
  std::size_t listing_page = std::size_t{16} << 20;
  std::size_t object = std::size_t{4} << 20;
  std::size_t token = std::size_t{64} << 10;

  std::size_t of(AnswerKind kind) const {
    switch (kind) {
      case AnswerKind::FlowDocument: return flow_document;
      case AnswerKind::ListingPage: return listing_page;
      case AnswerKind::Object: return object;
      case AnswerKind::Token: return token;
    }
    return object;
  }
};

// "a flow configuration document", "a listing page", "an answer", "a token answer".
inline const char* describe(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::FlowDocument: return "a flow configuration document";
    case AnswerKind::ListingPage: return "a listing page";
    case AnswerKind::Object: return "an answer";
    case AnswerKind::Token: return "a token answer";
  }
  return "an answer";
}

// "64 MB", "64 KB", "300 bytes": whole MB or KB when the size is one.
inline std::string describe_size(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MB";
  if (bytes >= (std::size_t{1} << 10) && bytes % (std::size_t{1} << 10) == 0)
    return std::to_string(bytes >> 10) + " KB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace flowlink::genesys

// SPDX-License-Identifier: GPL-3.0-or-later
// What load_gen sends and how it reads what comes back: request ids that name their connection,
// request lines whose replies can be checked, and the parse of one NDJSON line from the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace load {

enum class Method : std::uint8_t { ping, chat };

// Request `seq` (1-based) of connection `conn` (0-based) has id (conn + 1) * kIdStride + seq, so
// any reply's id tells which connection it belongs to.
inline constexpr std::uint64_t kIdStride = 10'000'000;

struct RequestRef {
  std::uint32_t conn;
  std::uint32_t seq;
};

inline std::uint64_t encode_id(std::uint32_t conn, std::uint32_t seq) {
  return (std::uint64_t{conn} + 1) * kIdStride + seq;
}
std::optional<RequestRef> decode_id(std::uint64_t id);

// Which method request `id` uses: chat.completions for about one in `chat_every` (spread
// evenly by a hash of the id, the same in every run), ping otherwise.
Method method_of(std::uint64_t id, std::uint32_t chat_every);

// Appends the NDJSON line of request `id`. A chat request's one user message names the id and
// the run's nonce; the fake upstream echoes it back as "echo: <message>".
void append_request(std::string& out, std::uint64_t id, Method method, std::uint64_t nonce);

// One line from the server, classified.
struct Incoming {
  enum class Kind : std::uint8_t { reply, notification, malformed } kind = Kind::malformed;
  std::optional<std::uint64_t> id;  // a reply's id, or a notification's params.request_id
  std::string method;               // a notification's method
  bool is_error = false;            // a reply with `error`
  std::string error_text;           // "code: message" of an error reply
  std::string result_problem;       // empty when the result is right for the request
};

// Parses a line and, for a reply to one of ours, checks its result against what `method` with
// this id and nonce must return (ping: "pong"; chat: the echoed prompt).
Incoming parse_line(std::string_view line, std::uint32_t chat_every, std::uint64_t nonce);

}  // namespace load

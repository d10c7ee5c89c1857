// SPDX-License-Identifier: GPL-3.0-or-later
// lamp-module: the Lisp-visible functions `lamp-module--...' over Connection and LispBuilder,
// and emacs_module_init. lisp/lamp.el is the public API built on them.
#include "connection.hpp"
#include "emacs.hpp"
#include "lisp_builder.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

// The two symbols Emacs looks up; everything else stays hidden (CXX_VISIBILITY_PRESET).
#define LAMP_EXPORT extern "C" __attribute__((visibility("default")))

extern "C" {
__attribute__((visibility("default"))) int plugin_is_GPL_compatible;
}

namespace lamp::module {
namespace {

using emacs::Env;
using emacs::LispError;
using emacs::sym;

constexpr std::intmax_t kDefaultSliceMs = 8;

// What surrounds the value being converted: the item's kind and, copied out of the tape
// (which the builder owns), the id or method that goes with it.
struct Head {
  Envelope::Kind kind = Envelope::Kind::other;
  Token token;       // result/error: the id; notification: the method
  std::string text;  // the token's string, when it is one
};

// What a connection handle holds: the connection, plus state only the main thread touches.
struct Handle {
  std::unique_ptr<Connection> connection;
  std::deque<Inbound> ready;  // taken from the connection, not yet handed to Lisp
  LispBuilder builder;
  Head head;  // of the value the builder is converting
  std::optional<std::string> closed;
  bool conversion_lost = false;  // a conversion was cut short by a non-local exit
};

void finalize_handle(void* p) noexcept {
  // Runs during GC: no env here. Joining the I/O thread is prompt (it polls a self-pipe).
  std::unique_ptr<Handle> owned(static_cast<Handle*>(p));
}

Handle& handle_arg(Env& env, emacs_value v) {
  auto* h = static_cast<Handle*>(env.user_ptr(v, finalize_handle));
  if (h == nullptr || !h->connection) {
    throw LispError(LispError::Kind::connection, "lamp-module connection is closed");
  }
  return *h;
}

bool given(Env& env, std::span<emacs_value> args, std::size_t i) {
  return args.size() > i && env.is_not_nil(args[i]);
}

emacs_value integer_arg_check(Env& env, emacs_value v) {
  if (!env.is_not_nil(env.call(sym().integerp, v))) {
    throw LispError(LispError::Kind::wrong_type, "expected an integer", sym().integerp, v);
  }
  return v;
}

std::string string_arg(Env& env, emacs_value v) {
  if (!env.is_not_nil(env.call(sym().stringp, v))) {
    throw LispError(LispError::Kind::wrong_type, "expected a string", sym().stringp, v);
  }
  return env.extract_string(v);
}

// (lamp-module--open PATH PIPE-PROCESS &optional MAX-MESSAGE-BYTES TEXT-FRAMES)
emacs_value open(Env& env, std::span<emacs_value> args) {
  const std::string path = string_arg(env, args[0]);
  ConnectionOptions options;
  if (given(env, args, 2)) {
    const auto max = env.extract_integer(integer_arg_check(env, args[2]));
    if (max < 64) throw LispError(LispError::Kind::error, "MAX-MESSAGE-BYTES must be at least 64");
    options.max_message_bytes = static_cast<std::size_t>(max);
  }
  options.parse = !given(env, args, 3);
  UniqueFd wake(env.open_channel(args[1]));
  auto handle = std::make_unique<Handle>();
  try {
    handle->connection = std::make_unique<Connection>(path, std::move(wake), options);
  } catch (const ConnectError& e) {
    throw LispError(LispError::Kind::connection, e.what());
  }
  emacs_value v = env.make_user_ptr(finalize_handle, handle.get());
  handle.release();  // owned by the user-ptr from here on; finalize_handle deletes it
  return v;
}

// (lamp-module--send HANDLE STRING) → t, or nil when the connection has ended.
emacs_value send(Env& env, std::span<emacs_value> args) {
  Handle& h = handle_arg(env, args[0]);
  const std::string text = string_arg(env, args[1]);
  if (text.find('\n') != std::string::npos) {
    throw LispError(LispError::Kind::error, "a message must not contain a raw newline");
  }
  return h.connection->send(text) ? sym().t : sym().nil;
}

// Appends `s` as a JSON string literal.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// (lamp-module--call HANDLE ID METHOD PARAMS-JSON): sends a request (a notification when ID
// is nil) built here, so Lisp serializes only the params (nil stands for {}).
emacs_value call_method(Env& env, std::span<emacs_value> args) {
  const auto& s = sym();
  Handle& h = handle_arg(env, args[0]);
  const bool request = env.is_not_nil(args[1]);
  const std::string method = string_arg(env, args[2]);
  std::string params = env.is_not_nil(args[3]) ? string_arg(env, args[3]) : std::string("{}");
  if (params.find('\n') != std::string::npos) {
    throw LispError(LispError::Kind::error, "PARAMS-JSON must not contain a raw newline");
  }
  std::string message;
  message.reserve(params.size() + method.size() + 64);
  message.append(R"({"jsonrpc":"2.0",)");
  if (request) {
    message.append(R"("id":)");
    message.append(std::to_string(env.extract_integer(integer_arg_check(env, args[1]))));
    message.push_back(',');
  }
  message.append(R"("method":)");
  append_json_string(message, method);
  message.append(R"(,"params":)");
  message.append(params);
  message.push_back('}');
  return h.connection->send(message) ? s.t : s.nil;
}

// What one drain hands to Lisp: a flat vector [KIND A B KIND A B ...], the cheapest shape
// to allocate (GC pressure dominates the cost of many small replies).
class Items {
 public:
  void add(emacs_value kind, emacs_value a, emacs_value b = sym().nil) {
    values_.insert(values_.end(), {kind, a, b});
  }
  bool empty() const { return values_.empty(); }
  emacs_value to_vector(Env& env) { return env.call(sym().vector, std::span<emacs_value>(values_)); }

 private:
  std::vector<emacs_value> values_;
};

// Starts converting a parsed message; adds its item at once when nothing needs building.
void begin_message(Env& env, Handle& h, Inbound&& in, Items& out) {
  const auto& s = sym();
  const Envelope& e = in.envelope;
  h.head = Head{e.kind, {}, {}};
  std::size_t first = 0;
  if (e.kind != Envelope::Kind::other) {
    const std::size_t at = e.kind == Envelope::Kind::notification ? e.method : e.id;
    const Token& t = in.tape.tokens[at];
    if (t.kind == Token::Kind::array || t.kind == Token::Kind::object) {
      h.head.kind = Envelope::Kind::other;  // a structured id: let lamp.el see it whole
    } else {
      h.head.token = t;
      if (t.kind == Token::Kind::string) h.head.text = std::string(in.tape.text(t));
      first = e.value;
    }
  }
  if (h.head.kind == Envelope::Kind::notification && first == 0) {
    // No params: nothing to build.
    out.add(s.notification, scalar_value(env, h.head.token, h.head.text));
    return;
  }
  h.builder.start(std::move(in.tape), first);
}

// Adds the item for a value the builder finished.
void end_message(Env& env, const Handle& h, emacs_value value, Items& out) {
  const auto& s = sym();
  switch (h.head.kind) {
    case Envelope::Kind::result:
      return out.add(s.result, scalar_value(env, h.head.token, h.head.text), value);
    case Envelope::Kind::error:
      return out.add(s.error, scalar_value(env, h.head.token, h.head.text), value);
    case Envelope::Kind::notification:
      return out.add(s.notification, scalar_value(env, h.head.token, h.head.text), value);
    case Envelope::Kind::other:
      break;
  }
  out.add(s.message, value);
}

// (lamp-module--drain HANDLE STASH &optional SLICE-MS) → (ITEMS STASH CLOSED)
emacs_value drain(Env& env, std::span<emacs_value> args) {
  const auto& s = sym();
  Handle& h = handle_arg(env, args[0]);
  emacs_value stash = args[1];
  std::intmax_t slice_ms = kDefaultSliceMs;
  if (given(env, args, 2)) slice_ms = env.extract_integer(integer_arg_check(env, args[2]));
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<std::intmax_t>(slice_ms, 0));

  Items out;
  if (h.conversion_lost) {
    h.conversion_lost = false;
    out.add(s.problem, env.make_string("a message was lost: its conversion was interrupted"));
  }
  if (h.builder.busy() &&
      env.extract_integer(env.call(s.length, stash)) != static_cast<std::intmax_t>(h.builder.stashed())) {
    h.builder.reset();
    out.add(s.problem, env.make_string("a message was lost: the conversion stash was not passed back"));
  }
  if (!h.builder.busy()) stash = s.nil;

  KeyCache keys;
  bool paused = false;
  try {
    for (;;) {
      if (h.builder.busy()) {
        auto value = h.builder.resume(env, keys, stash, deadline);
        if (!value) {
          paused = true;
          break;
        }
        end_message(env, h, *value, out);
        continue;
      }
      if (h.ready.empty()) {
        auto batch = h.connection->take();
        for (auto& in : batch.items) h.ready.push_back(std::move(in));
        if (batch.closed) h.closed = std::move(batch.closed);
        if (h.ready.empty()) break;
      }
      if (!out.empty() && Clock::now() >= deadline) {
        paused = true;
        break;
      }
      Inbound in = std::move(h.ready.front());
      h.ready.pop_front();
      switch (in.kind) {
        case Inbound::Kind::message:
          begin_message(env, h, std::move(in), out);
          break;
        case Inbound::Kind::text:
          out.add(s.text, env.make_string(in.text));
          break;
        case Inbound::Kind::problem:
          out.add(s.problem, env.make_string(in.text));
          break;
      }
    }
  } catch (...) {
    // Interrupted (quit, memory): the value being built is lost; say so next time.
    if (h.builder.busy()) {
      h.builder.reset();
      h.conversion_lost = true;
    }
    throw;
  }
  if (paused) h.connection->wake_emacs();  // continue after Emacs has run timers and input
  emacs_value closed = s.nil;
  if (!paused && h.closed && h.ready.empty()) closed = env.make_string(*h.closed);
  return env.call(s.list, out.empty() ? s.nil : out.to_vector(env), stash, closed);
}

// (lamp-module--close HANDLE): stops the I/O thread and closes the socket; idempotent.
emacs_value close(Env& env, std::span<emacs_value> args) {
  auto* h = static_cast<Handle*>(env.user_ptr(args[0], finalize_handle));
  if (h != nullptr && h->connection) {
    h->connection->close();
    h->connection.reset();
    h->ready.clear();
    h->builder.reset();
  }
  return sym().nil;
}

// (lamp-module--live-p HANDLE): non-nil while the connection has neither ended nor been closed.
emacs_value live_p(Env& env, std::span<emacs_value> args) {
  auto* h = static_cast<Handle*>(env.user_ptr(args[0], finalize_handle));
  if (h == nullptr || !h->connection || h->closed || h->connection->closed()) return sym().nil;
  return sym().t;
}

// (lamp-module--stats HANDLE) → plist of counters.
emacs_value stats(Env& env, std::span<emacs_value> args) {
  const auto& s = sym();
  Handle& h = handle_arg(env, args[0]);
  const auto st = h.connection->stats();
  auto num = [&](std::uint64_t n) { return env.make_integer(static_cast<std::intmax_t>(n)); };
  return env.call(s.list, s.kw_bytes_read, num(st.bytes_read), s.kw_bytes_written,
                  num(st.bytes_written), s.kw_messages, num(st.messages), s.kw_outbox,
                  num(st.outbox_bytes), s.kw_inbox, num(st.inbox_items + h.ready.size()),
                  s.kw_closed, h.closed ? env.make_string(*h.closed) : s.nil);
}

// Defines lamp-error and lamp-connection-error when lamp.el has not (module used alone).
void define_errors(Env& env) {
  const auto& s = sym();
  auto missing = [&](emacs_value symbol) {
    return !env.is_not_nil(env.call(s.get, symbol, s.error_conditions));
  };
  if (missing(s.lamp_error)) env.call(s.define_error, s.lamp_error, env.make_string("lamp error"));
  if (missing(s.lamp_connection_error)) {
    env.call(s.define_error, s.lamp_connection_error, env.make_string("lamp connection error"),
             s.lamp_error);
  }
}

void define_functions(Env& env) {
  using emacs::trampoline;
  env.define_function(
      "lamp-module--open", 2, 4, trampoline<open>,
      "Connect to the lamp socket PATH; wake PIPE-PROCESS when messages arrive.\n"
      "MAX-MESSAGE-BYTES bounds one incoming message; with TEXT-FRAMES non-nil,\n"
      "messages are returned as JSON text instead of Lisp values.\n"
      "Return a connection handle; signal `lamp-connection-error' on failure.\n\n"
      "(fn PATH PIPE-PROCESS &optional MAX-MESSAGE-BYTES TEXT-FRAMES)");
  env.define_function(
      "lamp-module--send", 2, 2, trampoline<send>,
      "Queue the JSON text STRING (one message, no newline) on HANDLE.\n"
      "Never blocks.  Return t, or nil when the connection has ended.\n\n"
      "(fn HANDLE STRING)");
  env.define_function(
      "lamp-module--call", 4, 4, trampoline<call_method>,
      "Send on HANDLE a request with integer ID (a notification when ID is nil)\n"
      "for METHOD with PARAMS-JSON, the params' JSON text (nil for {}).\n"
      "Never blocks.  Return t, or nil when the connection has ended.\n\n"
      "(fn HANDLE ID METHOD PARAMS-JSON)");
  env.define_function(
      "lamp-module--drain", 2, 3, trampoline<drain>,
      "Take what HANDLE received: return (ITEMS STASH CLOSED).\n"
      "ITEMS is nil or a vector of triples KIND A B: result ID VALUE,\n"
      "error ID ERROR-OBJECT, notification METHOD PARAMS, message VALUE nil\n"
      "for other messages, text JSON nil with TEXT-FRAMES, problem DESCRIPTION nil.\n"
      "STASH holds a partly converted message: pass it back on the next call.\n"
      "CLOSED is nil, or why the connection ended once nothing is left.\n"
      "Work stops after about SLICE-MS milliseconds and resumes on the next wake-up.\n\n"
      "(fn HANDLE STASH &optional SLICE-MS)");
  env.define_function("lamp-module--close", 1, 1, trampoline<close>,
                      "Close HANDLE and stop its I/O thread.\n\n(fn HANDLE)");
  env.define_function("lamp-module--live-p", 1, 1, trampoline<live_p>,
                      "Return non-nil while HANDLE is connected.\n\n(fn HANDLE)");
  env.define_function("lamp-module--stats", 1, 1, trampoline<stats>,
                      "Return a plist of HANDLE's counters.\n\n(fn HANDLE)");
}

}  // namespace
}  // namespace lamp::module

LAMP_EXPORT int emacs_module_init(emacs_runtime* runtime) noexcept {
  using namespace lamp;
  if (runtime->size < static_cast<std::ptrdiff_t>(sizeof(*runtime))) return 1;
  emacs_env* raw = runtime->get_environment(runtime);
  if (raw->size < static_cast<std::ptrdiff_t>(sizeof(emacs_env_28))) {
    // Only the Emacs 25 subset is safe to call here. Leaving the signal pending and returning
    // 0 lets Emacs report this message (a non-zero return would replace it with the vague
    // `module-init-failed').
    static constexpr char kMessage[] =
        "lamp-module needs Emacs 28 or later (open_channel is missing from this Emacs's module API)";
    emacs_value text = raw->make_string(raw, kMessage, sizeof(kMessage) - 1);
    emacs_value data = raw->funcall(raw, raw->intern(raw, "list"), 1, &text);
    raw->non_local_exit_signal(raw, raw->intern(raw, "error"), data);
    return 0;
  }
  emacs::Env env(raw);
  if (!emacs::init_symbols(env)) return 2;
  try {
    module::define_errors(env);
    module::define_functions(env);
    env.call(emacs::sym().provide, env.intern("lamp-module"));
  } catch (const emacs::PendingExit&) {
    return 0;  // Emacs reports the pending signal
  } catch (...) {
    return 3;
  }
  return 0;
}

// SPDX-License-Identifier: GPL-3.0-or-later
// Checked emacs_env calls, the interned symbols and the exception-to-signal trampoline.
#include "emacs.hpp"

#include <new>

namespace lamp::emacs {
namespace {

// Written once by init_symbols on Emacs' main thread, read-only afterwards.
Symbols g_symbols;

}  // namespace

const Symbols& sym() { return g_symbols; }

emacs_value Env::intern(const char* name) {
  emacs_value v = env_->intern(env_, name);
  check();
  return v;
}

emacs_value Env::call(emacs_value fn, std::span<emacs_value> args) {
  emacs_value v = env_->funcall(env_, fn, static_cast<std::ptrdiff_t>(args.size()), args.data());
  check();
  return v;
}

emacs_value Env::make_string(std::string_view utf8) {
  emacs_value v = env_->make_string(env_, utf8.data(), static_cast<std::ptrdiff_t>(utf8.size()));
  check();
  return v;
}

emacs_value Env::make_integer(std::intmax_t n) {
  emacs_value v = env_->make_integer(env_, n);
  check();
  return v;
}

emacs_value Env::make_float(double d) {
  emacs_value v = env_->make_float(env_, d);
  check();
  return v;
}

emacs_value Env::make_global_ref(emacs_value v) {
  emacs_value g = env_->make_global_ref(env_, v);
  check();
  return g;
}

void Env::free_global_ref(emacs_value v) {
  env_->free_global_ref(env_, v);
  check();
}

bool Env::is_not_nil(emacs_value v) {
  const bool r = env_->is_not_nil(env_, v);
  check();
  return r;
}

bool Env::eq(emacs_value a, emacs_value b) {
  const bool r = env_->eq(env_, a, b);
  check();
  return r;
}

std::intmax_t Env::extract_integer(emacs_value v) {
  const std::intmax_t n = env_->extract_integer(env_, v);
  check();
  return n;
}

std::string Env::extract_string(emacs_value v) {
  std::ptrdiff_t size = 0;
  env_->copy_string_contents(env_, v, nullptr, &size);
  check();
  std::string out(static_cast<std::size_t>(size), '\0');
  env_->copy_string_contents(env_, v, out.data(), &size);
  check();
  out.resize(static_cast<std::size_t>(size > 0 ? size - 1 : 0));  // drop the terminating NUL
  return out;
}

emacs_value Env::make_user_ptr(void (*fin)(void*) noexcept, void* ptr) {
  emacs_value v = env_->make_user_ptr(env_, fin, ptr);
  check();
  return v;
}

void* Env::user_ptr(emacs_value v, void (*fin)(void*) noexcept) {
  const auto type = env_->type_of(env_, v);
  check();
  if (!eq(type, sym().user_ptr)) {
    throw LispError(LispError::Kind::wrong_type, "not a lamp-module connection", sym().user_ptrp, v);
  }
  auto* actual = env_->get_user_finalizer(env_, v);
  check();
  if (actual != fin) {
    throw LispError(LispError::Kind::wrong_type, "not a lamp-module connection", sym().user_ptrp, v);
  }
  void* p = env_->get_user_ptr(env_, v);
  check();
  return p;
}

int Env::open_channel(emacs_value pipe_process) {
  const int fd = env_->open_channel(env_, pipe_process);
  check();
  return fd;
}

void Env::define_function(const char* name, std::ptrdiff_t min_arity, std::ptrdiff_t max_arity,
                          emacs_value (*fn)(emacs_env*, std::ptrdiff_t, emacs_value*, void*) noexcept,
                          const char* doc) {
  emacs_value f = env_->make_function(env_, min_arity, max_arity, fn, doc, nullptr);
  check();
  call(sym().defalias, intern(name), f);
}

void Env::signal(const LispError& e) {
  const auto& s = sym();
  switch (e.kind()) {
    case LispError::Kind::wrong_type:
      signal(s.wrong_type_argument, call(s.list, e.predicate(), e.value()));
      return;
    case LispError::Kind::connection:
      signal(s.lamp_connection_error, call(s.list, s.nil, make_string(e.what()), s.nil));
      return;
    case LispError::Kind::error:
      break;
  }
  signal(s.error, call(s.list, make_string(e.what())));
}

bool init_symbols(Env& env) {
  try {
    auto pin = [&](const char* name) { return env.make_global_ref(env.intern(name)); };
    Symbols s;
    s.nil = pin("nil");
    s.t = pin("t");
    s.cons = pin("cons");
    s.list = pin("list");
    s.vector = pin("vector");
    s.nconc = pin("nconc");
    s.car = pin("car");
    s.cdr = pin("cdr");
    s.setcdr = pin("setcdr");
    s.length = pin("length");
    s.intern = pin("intern");
    s.defalias = pin("defalias");
    s.provide = pin("provide");
    s.define_error = pin("define-error");
    s.get = pin("get");
    s.fset = pin("fset");
    s.error = pin("error");
    s.wrong_type_argument = pin("wrong-type-argument");
    s.memory_full = pin("memory-full");
    s.lamp_error = pin("lamp-error");
    s.lamp_connection_error = pin("lamp-connection-error");
    s.error_conditions = pin("error-conditions");
    s.stringp = pin("stringp");
    s.integerp = pin("integerp");
    s.user_ptrp = pin("user-ptrp");
    s.user_ptr = pin("user-ptr");
    s.listp = pin("listp");
    s.process_live_p = pin("process-live-p");
    s.kw_null = pin(":null");
    s.kw_false = pin(":false");
    s.message = pin("message");
    s.text = pin("text");
    s.problem = pin("problem");
    s.result = pin("result");
    s.notification = pin("notification");
    s.kw_bytes_read = pin(":bytes-read");
    s.kw_bytes_written = pin(":bytes-written");
    s.kw_messages = pin(":messages");
    s.kw_outbox = pin(":outbox");
    s.kw_inbox = pin(":inbox");
    s.kw_closed = pin(":closed");
    g_symbols = s;
    return true;
  } catch (const PendingExit&) {
    return false;
  }
}

emacs_value run_guarded(emacs_env* raw, std::ptrdiff_t nargs, emacs_value* args, Body body) noexcept {
  Env env(raw);
  try {
    try {
      return body(env, std::span<emacs_value>(args, static_cast<std::size_t>(nargs)));
    } catch (const PendingExit&) {
      // Emacs already has the signal or throw; nothing to add.
    } catch (const LispError& e) {
      env.signal(e);
    } catch (const std::bad_alloc&) {
      env.signal(sym().memory_full, sym().nil);
    } catch (const std::exception& e) {
      env.signal(LispError(LispError::Kind::error, std::string("lamp-module: ") + e.what()));
    } catch (...) {
      env.signal(LispError(LispError::Kind::error, "lamp-module: unknown C++ exception"));
    }
  } catch (...) {
    // Building the signal's data failed (a pending exit or no memory): signal without data.
    if (!env.exit_pending()) env.signal(sym().error, sym().nil);
  }
  return sym().nil;
}

}  // namespace lamp::emacs

// SPDX-License-Identifier: GPL-3.0-or-later
// The one place that calls emacs_env: checked calls that stop at a pending non-local exit,
// the symbols interned at init, and the trampoline that keeps C++ exceptions out of Emacs.
#pragma once

#include <emacs-module.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lamp::emacs {

// Thrown when an env call left a non-local exit pending: every later env call would be a
// no-op, so unwind to the trampoline, which returns and lets Emacs signal or throw.
struct PendingExit {};

// An error the trampoline signals in Emacs.
class LispError : public std::runtime_error {
 public:
  enum class Kind {
    error,             // (error MESSAGE)
    wrong_type,        // (wrong-type-argument PREDICATE VALUE)
    connection,        // (lamp-connection-error nil MESSAGE nil), as lamp.el documents
  };
  LispError(Kind kind, std::string message, emacs_value predicate = nullptr,
            emacs_value value = nullptr)
      : std::runtime_error(std::move(message)), kind_(kind), predicate_(predicate), value_(value) {}
  Kind kind() const { return kind_; }
  emacs_value predicate() const { return predicate_; }
  emacs_value value() const { return value_; }

 private:
  Kind kind_;
  emacs_value predicate_;
  emacs_value value_;
};

// Symbols interned once in emacs_module_init and kept as global refs for the module's life.
struct Symbols {
  emacs_value nil, t;
  emacs_value cons, list, vector, nconc, car, cdr, setcdr, length, intern, defalias, provide, define_error, get,
      fset;
  emacs_value error, wrong_type_argument, memory_full, lamp_error, lamp_connection_error;
  emacs_value error_conditions, stringp, integerp, user_ptrp, user_ptr, listp, process_live_p;
  emacs_value kw_null, kw_false;
  emacs_value message, text, problem, result, notification;
  emacs_value kw_bytes_read, kw_bytes_written, kw_messages, kw_outbox, kw_inbox, kw_closed;
};

// The symbols, valid once init_symbols ran (the module's only global state).
const Symbols& sym();

class Env {
 public:
  explicit Env(emacs_env* env) : env_(env) {}

  emacs_env* raw() const { return env_; }

  emacs_value intern(const char* name);
  emacs_value call(emacs_value fn, std::span<emacs_value> args);
  template <class... Args>
  emacs_value call(emacs_value fn, Args... args) {
    emacs_value argv[] = {args..., nullptr};  // the sentinel keeps zero arguments legal
    return call(fn, std::span<emacs_value>(argv, sizeof...(Args)));
  }

  emacs_value make_string(std::string_view utf8);
  emacs_value make_integer(std::intmax_t n);
  emacs_value make_float(double d);
  emacs_value make_global_ref(emacs_value v);
  void free_global_ref(emacs_value v);

  bool is_not_nil(emacs_value v);
  bool eq(emacs_value a, emacs_value b);
  std::intmax_t extract_integer(emacs_value v);
  // The UTF-8 text of a Lisp string (signals wrong-type-argument for a non-string).
  std::string extract_string(emacs_value v);

  emacs_value make_user_ptr(void (*fin)(void*) noexcept, void* ptr);
  // The pointer held by a user-ptr whose finalizer is `fin`; anything else is a type error.
  void* user_ptr(emacs_value v, void (*fin)(void*) noexcept);

  int open_channel(emacs_value pipe_process);
  // Defines NAME as a Lisp function that runs `fn`.
  void define_function(const char* name, std::ptrdiff_t min_arity, std::ptrdiff_t max_arity,
                       emacs_value (*fn)(emacs_env*, std::ptrdiff_t, emacs_value*, void*) noexcept,
                       const char* doc);

  // Leaves a signal pending for Emacs; the caller must return to Emacs right away.
  void signal(emacs_value symbol, emacs_value data) { env_->non_local_exit_signal(env_, symbol, data); }
  void signal(const LispError& e);
  bool exit_pending() { return env_->non_local_exit_check(env_) != emacs_funcall_exit_return; }

 private:
  // After every env call that can fail: stop at once when a non-local exit is pending.
  void check() {
    if (exit_pending()) throw PendingExit{};
  }
  emacs_env* env_;
};

// Interns and pins every symbol in Symbols; false when Emacs left a non-local exit pending.
bool init_symbols(Env& env);

using Body = emacs_value (*)(Env& env, std::span<emacs_value> args);

// Entry point for a Lisp-visible function: runs `F` and turns every C++ exception into a
// non-local exit, so no exception ever unwinds into Emacs.
emacs_value run_guarded(emacs_env* raw, std::ptrdiff_t nargs, emacs_value* args, Body body) noexcept;

template <Body F>
emacs_value trampoline(emacs_env* raw, std::ptrdiff_t nargs, emacs_value* args, void*) noexcept {
  return run_guarded(raw, nargs, args, F);
}

}  // namespace lamp::emacs

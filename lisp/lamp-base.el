;;; lamp-base.el --- Options, errors and state shared by lamp.el's parts  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-base.el: what lamp.el and its transports share: the `lamp' options, the error
;; hierarchy, the connection and call records, and the *lamp-log* buffer.

;; Copyright (C) 2025 The wisp + lamp authors

;; This program is free software: you can redistribute it and/or modify
;; it under the terms of the GNU General Public License as published by
;; the Free Software Foundation, either version 3 of the License, or
;; (at your option) any later version.

;; This program is distributed in the hope that it will be useful,
;; but WITHOUT ANY WARRANTY; without even the implied warranty of
;; MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
;; GNU General Public License for more details.

;; You should have received a copy of the GNU General Public License
;; along with this program.  If not, see <https://www.gnu.org/licenses/>.

;;; Commentary:

;; Part of lamp.el; see its commentary for the API.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

;;;; Options

(defgroup lamp nil
  "Client for the lamp JSON-RPC server."
  :group 'comm
  :prefix "lamp-")

(defcustom lamp-socket nil
  "Path of the lamp socket, or nil to use the default.
The default is $LAMP_UDS, else $XDG_RUNTIME_DIR/lamp/lamp.sock, else
/tmp/lamp-UID/lamp.sock, as `lamp-socket-path' computes."
  :type '(choice (const :tag "Default" nil) file))

(defcustom lamp-server-program "lamp"
  "The lamp executable, started when no server answers.
A name without a directory is looked up in the variable `exec-path',
then in the build directory of this file's source tree, then in the
bin directory `make install' put beside this file's directory."
  :type 'string)

(defcustom lamp-server-arguments nil
  "Extra arguments for \"lamp serve\" when Emacs starts the server."
  :type '(repeat string))

(defcustom lamp-auto-start t
  "Whether to start `lamp-server-program' when no server answers."
  :type 'boolean)

(defcustom lamp-server-start-timeout 5
  "Seconds to wait for an automatically started server to answer."
  :type 'number)

(defcustom lamp-transport 'auto
  "How Emacs talks to lamp.
`module' uses lamp-module.so (I/O and JSON parsing off the main
thread); `elisp' uses a network process; `auto' uses the module when
it can be loaded and `elisp' otherwise."
  :type '(choice (const :tag "Module when available" auto)
                 (const :tag "Module" module)
                 (const :tag "Emacs Lisp" elisp)))

(defcustom lamp-module-file nil
  "The lamp-module file to load, or nil to search for it.
The search looks in ../build/module/ relative to lamp.el, then next
to lamp.el."
  :type '(choice (const :tag "Search" nil) file))

(defcustom lamp-module-compile-when-missing 'ask
  "What to do when lamp-module is not built.
`ask' asks whether to compile it (in batch mode, never), `always'
compiles it, `never' falls back to the `elisp' transport."
  :type '(choice (const :tag "Ask" ask)
                 (const :tag "Compile" always)
                 (const :tag "Use the Emacs Lisp transport" never)))

(defcustom lamp-request-timeout 60
  "Default seconds `lamp-request-sync' waits, or nil to wait forever."
  :type '(choice (const :tag "No limit" nil) number))

(defcustom lamp-max-message-bytes (* 256 1024 1024)
  "Largest message accepted from the server; larger ones are dropped."
  :type 'integer)

(defcustom lamp-module-slice-ms 8
  "Milliseconds of JSON conversion lamp-module does per event-loop turn.
A big reply is turned into Lisp data in slices of this length, so
timers and input are served in between."
  :type 'integer)

(defcustom lamp-module-gc-cons-threshold (* 64 1024 1024)
  "Value `gc-cons-threshold' is raised to while a big reply is converted.
lamp-module builds a big reply over several event-loop turns; a
garbage collection in between marks the half-built value again each
time, which costs more than the conversion itself.  While such a
conversion runs, `gc-cons-threshold' is at least this value; the old
value comes back when it ends.  nil leaves `gc-cons-threshold' alone."
  :type '(choice (const :tag "Leave it alone" nil) integer))

(defcustom lamp-log-max-lines 2000
  "Lines kept in the *lamp-log* buffer."
  :type 'integer)

(defcustom lamp-notification-functions nil
  "Functions called with (METHOD PARAMS) for every server notification."
  :type 'hook)

;;;; Errors

(define-error 'lamp-error "lamp error")
(define-error 'lamp-connection-error "lamp connection error" 'lamp-error)
(define-error 'lamp-rpc-error "lamp RPC error" 'lamp-error)
(define-error 'lamp-timeout "lamp request timed out" 'lamp-error)

(defun lamp--connection-error (data format-string &rest args)
  "Signal a `lamp-connection-error' with DATA and a message.
The message is made from FORMAT-STRING and ARGS.
DATA is an alist whose `reason' says what failed: `no-server',
`no-program', `server-exited', `start-timeout' or `lost' (see
docs/lamp-el.md); `socket' and `detail' add what is known."
  (signal 'lamp-connection-error (list nil (apply #'format format-string args) data)))

;;;; State

(defconst lamp--directory
  (file-name-directory (or load-file-name buffer-file-name default-directory))
  "Directory lamp.el was loaded from.")

(cl-defstruct (lamp--conn (:constructor lamp--conn-create)
                          (:copier nil))
  "One connection to lamp."
  transport                            ; `module' or `elisp'
  socket                               ; path
  process                              ; wake-up pipe (module) or network process
  handle                               ; lamp-module handle
  stash                                ; module: a partly converted message
  (pending (make-hash-table :test 'eql)) ; id → `lamp--call'
  inbox                                ; item vectors not yet dispatched
  (batch [])                           ; the item vector being dispatched
  (position 0)                         ; index of its next item
  heard                                ; non-nil once anything arrived from the server
  dead)                                ; why it ended, once it has

(cl-defstruct (lamp--call (:constructor lamp--call-create)
                          (:copier nil))
  "A request waiting for its reply."
  id method params-json on-result on-error on-notification abandoned resent)

(defvar lamp--connection nil
  "The current `lamp--conn', or nil.")

(defvar lamp--last-id 0
  "The id of the latest request (ids are unique for the session).")

(defvar lamp--server-process nil
  "The lamp server this Emacs started, if any.")

(defvar lamp--module-failure nil
  "Why lamp-module could not be loaded, once that was tried and failed.")

(defvar lamp--saved-gc-cons-threshold nil
  "The `gc-cons-threshold' to restore after a big conversion, or nil.")

(defvar lamp--module-text-frames nil
  "Non-nil makes lamp-module pass JSON text for `json-parse-string'.
Only the benchmark sets it, to compare with parsing on the I/O thread.")

;;;; Log

(defun lamp--excerpt (object)
  "Return a short printed form of OBJECT for the log."
  (let* ((print-length 20)
         (print-level 4)
         (text (if (stringp object) object (prin1-to-string object))))
    (if (> (length text) 300) (concat (substring text 0 300) "...") text)))

(defun lamp--log (format-string &rest args)
  "Append a line made of FORMAT-STRING and ARGS to the *lamp-log* buffer."
  (with-current-buffer (get-buffer-create "*lamp-log*")
    (let ((inhibit-read-only t))
      (save-excursion
        (goto-char (point-max))
        (insert (format-time-string "%F %T.%3N ")
                (apply #'format format-string args)
                "\n")
        (let ((excess (- (count-lines (point-min) (point-max)) lamp-log-max-lines)))
          (when (> excess 0)
            (goto-char (point-min))
            (forward-line excess)
            (delete-region (point-min) (point))))))))

(provide 'lamp-base)
;;; lamp-base.el ends here

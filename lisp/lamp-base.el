;;; lamp-base.el --- Options, errors and state shared by lamp.el's parts  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-base.el: what every part of lamp.el builds on: the `lamp' options, the error
;; hierarchy, the *lamp-log* buffer, and finding, compiling and loading lamp-module.

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

(declare-function lamp-module--open "lamp-module")

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

;;;; Module loading

(defun lamp--source-root ()
  "Return the source tree lamp.el belongs to, or nil."
  (let ((root (expand-file-name ".." lamp--directory)))
    (and (file-exists-p (expand-file-name "module/CMakeLists.txt" root)) root)))

(defun lamp--module-candidates ()
  "Return the files lamp-module may be loaded from, best first."
  (let ((name (concat "lamp-module" (or module-file-suffix ".so"))))
    (if lamp-module-file
        (list (expand-file-name lamp-module-file))
      (list (expand-file-name (concat "../build/module/" name) lamp--directory)
            (expand-file-name name lamp--directory)))))

;;;###autoload
(defun lamp-module-compile ()
  "Compile lamp-module with CMake, showing the output in a buffer."
  (interactive)
  (let ((root (lamp--source-root)))
    (unless root
      (error "The lamp-module sources are not next to %s" lamp--directory))
    (unless (executable-find "cmake")
      (error "Compiling lamp-module needs cmake and a C++20 compiler"))
    (let* ((build (expand-file-name "build" root))
           (command (format "cmake -S %s -B %s && cmake --build %s --target lamp-module -j %d"
                            (shell-quote-argument root) (shell-quote-argument build)
                            (shell-quote-argument build) (max 1 (num-processors))))
           (buffer (get-buffer-create "*lamp-module-compile*")))
      (with-current-buffer buffer
        (let ((inhibit-read-only t))
          (erase-buffer)
          (insert command "\n\n"))
        (compilation-mode))
      (unless noninteractive (display-buffer buffer))
      (let* ((inhibit-read-only t)
             (default-directory root)
             (status (call-process shell-file-name nil buffer t
                                   shell-command-switch command)))
        (unless (eql status 0)
          (error "Compiling lamp-module failed; see %s" (buffer-name buffer)))
        (message "lamp-module compiled")))))

(defun lamp--compile-module-p ()
  "Return non-nil when the missing module should be compiled now."
  (pcase lamp-module-compile-when-missing
    ('always t)
    ('ask (and (not noninteractive)
               (lamp--source-root)
               (y-or-n-p "The lamp-module is not built.  Compile it now? ")))
    (_ nil)))

(defun lamp--load-module ()
  "Load lamp-module if needed; return non-nil when it is usable."
  (or (fboundp 'lamp-module--open)
      (and (not lamp--module-failure)
           (condition-case err
               (progn
                 (unless module-file-suffix
                   (error "This Emacs was built without dynamic module support"))
                 (let ((file (cl-find-if #'file-exists-p (lamp--module-candidates))))
                   (when (and (not file) (lamp--compile-module-p))
                     (lamp-module-compile)
                     (setq file (cl-find-if #'file-exists-p (lamp--module-candidates))))
                   (unless file
                     (error "No lamp-module file (looked for %s)"
                            (string-join (lamp--module-candidates) ", ")))
                   (module-load file))
                 (unless (fboundp 'lamp-module--open)
                   (error "The lamp-module file loaded but defined nothing"))
                 t)
             (error
              (setq lamp--module-failure (error-message-string err))
              (lamp--log "lamp-module unavailable: %s" lamp--module-failure)
              nil)))))

(defun lamp--choose-transport ()
  "Return the transport to use for a new connection."
  (pcase lamp-transport
    ('elisp 'elisp)
    ('module (if (lamp--load-module)
                 'module
               (signal 'lamp-error
                       (list nil (format "lamp-module unavailable: %s" lamp--module-failure)
                             `((reason . no-module) (detail . ,lamp--module-failure))))))
    (_ (if (lamp--load-module) 'module 'elisp))))

(provide 'lamp-base)
;;; lamp-base.el ends here

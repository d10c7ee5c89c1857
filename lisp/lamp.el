;;; lamp.el --- Async JSON-RPC client for the lamp server  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp.el: the Emacs side of lamp (JSON-RPC 2.0 on a Unix socket), over the lamp-module
;; transport (socket I/O and JSON parsing off Emacs' main thread) or a pure-Lisp fallback.

;; Copyright (C) 2025 The wisp + lamp authors

;; Author: The wisp + lamp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: comm, tools
;; URL: https://example.invalid/wisp-lamp

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

;; lamp is a JSON-RPC 2.0 server on a Unix domain socket.  This file is
;; its Emacs client.  Requests are asynchronous: replies are delivered
;; to callbacks from the event loop, so Emacs keeps responding while the
;; server works.
;;
;; API
;;
;;   (lamp-request METHOD PARAMS &key ON-RESULT ON-ERROR ON-NOTIFICATION)
;;       Send a request, return its id at once.  ON-RESULT is called
;;       with the result, ON-ERROR with an error condition such as
;;       (lamp-rpc-error CODE MESSAGE DATA), ON-NOTIFICATION with
;;       (METHOD PARAMS) for each server notification whose
;;       params.request_id is this request's id (progress, deltas).
;;   (lamp-request-sync METHOD PARAMS &optional TIMEOUT)
;;       Send a request and wait for its result; signal a `lamp-error'
;;       on failure.  C-g while waiting quits at once and
;;       sends `$/cancelRequest'; the late reply is dropped.
;;   (lamp-cancel ID)            ask the server to cancel request ID.
;;   (lamp-notify METHOD PARAMS) send a notification (no reply).
;;   (lamp-disconnect &optional STOP-SERVER)
;;   (lamp-status)               a plist describing the connection.
;;
;; Errors (`define-error'), all with data (CODE MESSAGE DATA), CODE being
;; the JSON-RPC error code or nil for errors raised in Emacs:
;;
;;   lamp-error
;;   ├─ lamp-connection-error   no server, server died, disconnected
;;   ├─ lamp-rpc-error          the server answered with an error
;;   └─ lamp-timeout            `lamp-request-sync' gave up waiting
;;
;; JSON: results and notification params are decoded exactly as
;; `json-parse-string' with :object-type `alist' and :array-type `list'
;; does (objects are alists with symbol keys, arrays are lists, null is
;; :null, false is :false, true is t, {} and [] are nil).  PARAMS are
;; encoded as `json-serialize' does: an alist, plist or hash table for
;; an object, a vector for an array.
;;
;; Connection: the socket is `lamp-socket', else $LAMP_UDS, else
;; $XDG_RUNTIME_DIR/lamp/lamp.sock, else /tmp/lamp-UID/lamp.sock.  The
;; first request connects; when no server answers and `lamp-auto-start'
;; is non-nil, `lamp-server-program' is started ("lamp serve --socket
;; SOCKET", output in the *lamp-server* buffer).  When the connection
;; dies, every pending request's ON-ERROR receives a
;; `lamp-connection-error' and the next request reconnects.  Protocol
;; oddities (malformed frames, replies for unknown ids, callbacks that
;; signal) are written to the *lamp-log* buffer.
;;
;; Transports (`lamp-transport'): `module' uses lamp-module.so, whose
;; I/O thread reads the socket, splits and parses frames off the main
;; thread, and converts big values a few milliseconds at a time (with
;; `gc-cons-threshold' raised meanwhile, see
;; `lamp-module-gc-cons-threshold'); `elisp' uses `make-network-process'.
;; `auto' (the default) prefers the module, looking for it in
;; ../build/module/ relative to this file and next to it, offering to
;; compile it when missing (`lamp-module-compile'), and falls back to
;; `elisp'.
;;
;; See docs/lamp-el.md for more.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(declare-function lamp-module--open "lamp-module")
(declare-function lamp-module--send "lamp-module")
(declare-function lamp-module--call "lamp-module")
(declare-function lamp-module--drain "lamp-module")
(declare-function lamp-module--close "lamp-module")
(declare-function lamp-module--live-p "lamp-module")
(declare-function lamp-module--stats "lamp-module")

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
A name without a directory is looked up in the variable `exec-path' and
then in the build directory next to this file's source tree."
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
  dead)                                ; why it ended, once it has

(cl-defstruct (lamp--call (:constructor lamp--call-create)
                          (:copier nil))
  "A request waiting for its reply."
  method on-result on-error on-notification abandoned)

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

;;;; Socket and server

(defun lamp-socket-path ()
  "Return the socket path: `lamp-socket', $LAMP_UDS, or the default."
  (expand-file-name
   (or lamp-socket
       (let ((uds (getenv "LAMP_UDS")))
         (and uds (not (string-empty-p uds)) uds))
       (let ((runtime (getenv "XDG_RUNTIME_DIR")))
         (and runtime (not (string-empty-p runtime))
              (expand-file-name "lamp/lamp.sock" runtime)))
       (format "/tmp/lamp-%d/lamp.sock" (user-uid)))))

(defvar lamp-server-environment-functions nil
  "Functions giving extra environment entries to a server lamp.el starts.
Each is called with no argument and returns a list of \"NAME=VALUE\"
strings, such as an API key from auth-source.  They reach the server's
environment only, never its command line.")

(defun lamp--server-executable ()
  "Return the lamp executable to start, or nil when there is none."
  (let ((program (expand-file-name lamp-server-program)))
    (cond ((and (file-name-directory lamp-server-program)
                (file-executable-p program))
           program)
          ((file-name-directory lamp-server-program) nil)
          ((executable-find lamp-server-program))
          (t (let ((built (expand-file-name "../build/server/lamp" lamp--directory)))
               (and (file-executable-p built) built))))))

(defun lamp--start-server (socket)
  "Start a lamp server on SOCKET and return its process."
  (let ((program (lamp--server-executable)))
    (unless program
      (signal 'lamp-connection-error
              (list nil (format "No lamp server at %s, and `lamp-server-program' (%s) was not found"
                                socket lamp-server-program)
                    nil)))
    (let ((buffer (get-buffer-create "*lamp-server*"))
          (default-directory temporary-file-directory))
      (with-current-buffer buffer
        (goto-char (point-max))
        (insert (format "\n--- %s: %s serve --socket %s\n"
                        (format-time-string "%F %T") program socket)))
      (lamp--log "starting %s on %s" program socket)
      (setq lamp--server-process
            (let ((process-environment (append (lamp--server-environment) process-environment)))
              (make-process :name "lamp-server"
                            :buffer buffer
                            :command `(,program "serve" "--socket" ,socket
                                                ,@lamp-server-arguments)
                            :connection-type 'pipe
                            :noquery t))))))

(defun lamp--server-environment ()
  "Collect the entries `lamp-server-environment-functions' return."
  (cl-loop for fn in lamp-server-environment-functions
           when (functionp fn) append (funcall fn)))

(defun lamp--server-output-tail ()
  "Return the last lines the started server printed."
  (let ((buffer (get-buffer "*lamp-server*")))
    (if (not (buffer-live-p buffer))
        ""
      (with-current-buffer buffer
        (string-trim (buffer-substring-no-properties
                      (max (point-min) (- (point-max) 500)) (point-max)))))))

(defun lamp--stop-server-process ()
  "Ask the server this Emacs started to exit, and wait a little for it."
  (let ((process lamp--server-process))
    (setq lamp--server-process nil)
    (when (process-live-p process)
      (signal-process process 'TERM)
      (with-timeout (5 (delete-process process))
        (while (process-live-p process)
          (accept-process-output process 0.05))))))

(defun lamp--kill-emacs ()
  "Let an automatically started server finish cleanly when Emacs exits."
  (when (process-live-p lamp--server-process)
    (signal-process lamp--server-process 'TERM)))

(add-hook 'kill-emacs-hook #'lamp--kill-emacs)

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
                             nil))))
    (_ (if (lamp--load-module) 'module 'elisp))))

;;;; Transports
;;
;; Both transports turn what they receive into vectors of items, three slots each,
;; dispatched in order by `lamp--dispatch-inbox':
;;   result ID VALUE | error ID ERROR-OBJECT | notification METHOD PARAMS
;;   message VALUE nil   anything else (requests from the server, odd shapes)
;;   text JSON nil       lamp-module with `lamp--module-text-frames' (Emacs parses)
;;   problem TEXT nil    input that was dropped
;; lamp-module classifies on its I/O thread; the `elisp' transport uses `lamp--classify'.

(defun lamp--connection-error (format-string &rest args)
  "Signal a `lamp-connection-error' with a message from FORMAT-STRING and ARGS."
  (signal 'lamp-connection-error (list nil (apply #'format format-string args) nil)))

(defun lamp--module-open (conn)
  "Open CONN through lamp-module."
  (let ((pipe (make-pipe-process :name "lamp-module"
                                 :buffer nil
                                 :coding 'binary
                                 :noquery t
                                 :filter (lambda (_process _output) (lamp--module-receive conn))
                                 :sentinel #'ignore)))
    (condition-case err
        (setf (lamp--conn-handle conn)
              (lamp-module--open (lamp--conn-socket conn) pipe lamp-max-message-bytes
                                 lamp--module-text-frames))
      (error (delete-process pipe)
             (signal (car err) (cdr err))))
    (setf (lamp--conn-process conn) pipe)))

(defun lamp--module-receive (conn)
  "Take what lamp-module received for CONN and dispatch it."
  (let ((handle (lamp--conn-handle conn)))
    (when (and handle (not (lamp--conn-dead conn)))
      ;; No collection inside a slice either; a `let' would not do, as the collection
      ;; would come as soon as it unwinds, before a conversion in progress raises it again.
      (lamp--defer-gc t)
      (pcase-let ((`(,items ,stash ,closed)
                   (let (drained)
                     (unwind-protect
                         (setq drained (lamp-module--drain handle (lamp--conn-stash conn)
                                                           lamp-module-slice-ms))
                       ;; Keep collections off while a conversion is in progress.
                       (lamp--defer-gc (nth 1 drained))))))
        (setf (lamp--conn-stash conn) stash)
        (when items
          (lamp--enqueue conn items)
          (lamp--dispatch-inbox conn))
        (when closed (lamp--connection-lost conn closed))))))

(defun lamp--defer-gc (on)
  "Keep `gc-cons-threshold' raised while ON (a conversion is in progress).
See `lamp-module-gc-cons-threshold'."
  (cond
   ((and on lamp-module-gc-cons-threshold (not lamp--saved-gc-cons-threshold)
         (< gc-cons-threshold lamp-module-gc-cons-threshold))
    (setq lamp--saved-gc-cons-threshold gc-cons-threshold
          gc-cons-threshold lamp-module-gc-cons-threshold))
   ((and (not on) lamp--saved-gc-cons-threshold)
    ;; Restore only what we set: someone else may have changed it since.
    (when (eql gc-cons-threshold lamp-module-gc-cons-threshold)
      (setq gc-cons-threshold lamp--saved-gc-cons-threshold))
    (setq lamp--saved-gc-cons-threshold nil))))

(defun lamp--parse (text)
  "Parse the JSON TEXT of one message; log and return nil when malformed."
  (condition-case err
      (json-parse-string text :object-type 'alist :array-type 'list
                         :null-object :null :false-object :false)
    (error (lamp--log "malformed message (%s): %s"
                      (error-message-string err) (lamp--excerpt text))
           nil)))

(defun lamp--object-p (value)
  "Return non-nil when VALUE is a decoded, non-empty JSON object."
  (and (consp value) (consp (car value)) (symbolp (caar value))))

(defun lamp--classify (message)
  "Return the item (KIND A B) for the decoded MESSAGE (see the Transports section)."
  (if (not (lamp--object-p message))
      (list 'message message nil)
    (let ((id (assq 'id message))
          (method (alist-get 'method message)))
      (cond
       ((stringp method)
        (if id (list 'message message nil)
          (list 'notification method (alist-get 'params message))))
       ((and id (consp (cdr id))) (list 'message message nil))
       ((and id (assq 'error message)) (list 'error (cdr id) (alist-get 'error message)))
       ((and id (assq 'result message)) (list 'result (cdr id) (alist-get 'result message)))
       (t (list 'message message nil))))))

(defvar-local lamp--skipping nil
  "Non-nil while the rest of an oversized line is being discarded.")

(defun lamp--elisp-open (conn)
  "Open CONN with a network process."
  (let* ((buffer (generate-new-buffer " *lamp-input*"))
         (process
          (condition-case err
              (make-network-process :name "lamp"
                                    :family 'local
                                    :service (lamp--conn-socket conn)
                                    :buffer buffer
                                    :coding 'utf-8-unix
                                    :noquery t
                                    :filter #'lamp--elisp-filter
                                    :sentinel #'lamp--elisp-sentinel)
            (error (kill-buffer buffer)
                   (lamp--connection-error "Cannot connect to %s: %s"
                                           (lamp--conn-socket conn)
                                           (error-message-string err))))))
    (with-current-buffer buffer (buffer-disable-undo))
    (process-put process 'lamp-conn conn)
    (setf (lamp--conn-process conn) process)))

(defun lamp--elisp-filter (process output)
  "Split OUTPUT from PROCESS into messages and dispatch them."
  (let ((conn (process-get process 'lamp-conn))
        (buffer (process-buffer process))
        items)
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (let ((scan (point-max)))
          (goto-char (point-max))
          (insert output)
          (goto-char scan))
        (let ((start (point-min)))
          (while (search-forward "\n" nil t)
            (let ((end (1- (point))))
              (if lamp--skipping
                  (setq lamp--skipping nil)
                (when (and (> end start) (eq (char-before end) ?\r)) (cl-decf end))
                (cond
                 ((> (- (position-bytes end) (position-bytes start)) lamp-max-message-bytes)
                  (lamp--log "dropped a message larger than %d bytes" lamp-max-message-bytes))
                 ((> end start)
                  (let ((message (lamp--parse (buffer-substring-no-properties start end))))
                    (when message (setq items (nconc (lamp--classify message) items)))))))
              (setq start (point))))
          (delete-region (point-min) start))
        (when (> (buffer-size) lamp-max-message-bytes)
          (lamp--log "dropped a message larger than %d bytes" lamp-max-message-bytes)
          (erase-buffer)
          (setq lamp--skipping t))))
    (when (and conn items)
      ;; Items were consed latest first, three slots at a time.
      (let ((vector (make-vector (length items) nil))
            (i (length items)))
        (while items
          (setq i (- i 3))
          (aset vector i (pop items))
          (aset vector (+ i 1) (pop items))
          (aset vector (+ i 2) (pop items)))
        (lamp--enqueue conn vector))
      (lamp--dispatch-inbox conn))))

(defun lamp--elisp-sentinel (process event)
  "Report the end of PROCESS (described by EVENT) to its connection."
  (unless (process-live-p process)
    (let ((conn (process-get process 'lamp-conn)))
      (when conn
        (lamp--connection-lost conn (format "lamp connection %s" (string-trim event)))))))

(defun lamp--open (transport socket)
  "Return a new connection to SOCKET over TRANSPORT."
  (let ((conn (lamp--conn-create :transport transport :socket socket)))
    (pcase transport
      ('module (lamp--module-open conn))
      (_ (lamp--elisp-open conn)))
    conn))

(defun lamp--close-transport (conn)
  "Release the process, buffer and module handle of CONN."
  (let ((process (lamp--conn-process conn))
        (handle (lamp--conn-handle conn)))
    (setf (lamp--conn-handle conn) nil
          (lamp--conn-stash conn) nil)
    (lamp--defer-gc nil)
    (when handle (lamp-module--close handle))
    (when (processp process)
      (let ((buffer (process-buffer process)))
        (set-process-sentinel process #'ignore)
        (delete-process process)
        (when (buffer-live-p buffer) (kill-buffer buffer))))))

(defun lamp--live-p (conn)
  "Return non-nil when CONN can still carry requests."
  (and conn
       (not (lamp--conn-dead conn))
       (if (eq (lamp--conn-transport conn) 'module)
           (and (lamp--conn-handle conn) (lamp-module--live-p (lamp--conn-handle conn)))
         (process-live-p (lamp--conn-process conn)))))

(defun lamp--send (conn text)
  "Send the JSON TEXT of one message on CONN."
  (if (eq (lamp--conn-transport conn) 'module)
      ;; A nil return means the connection has ended; the drain reports it.
      (lamp-module--send (lamp--conn-handle conn) text)
    (condition-case err
        (process-send-string (lamp--conn-process conn) (concat text "\n"))
      (error (lamp--connection-lost conn (error-message-string err))))))

(defun lamp--send-call (conn id method params-json)
  "Send on CONN the request ID (a notification when nil) for METHOD.
PARAMS-JSON is the params' JSON text, nil standing for {}."
  (if (eq (lamp--conn-transport conn) 'module)
      (lamp-module--call (lamp--conn-handle conn) id method params-json)
    (lamp--send conn (concat "{\"jsonrpc\":\"2.0\","
                             (if id (format "\"id\":%d," id) "")
                             "\"method\":" (json-serialize method)
                             ",\"params\":" (or params-json "{}") "}"))))

;;;; Connecting

(defun lamp--try-open (transport socket)
  "Return a connection to SOCKET over TRANSPORT, or nil when none answers."
  (condition-case nil
      (lamp--open transport socket)
    (lamp-connection-error nil)))

(defun lamp--connect ()
  "Connect to lamp, starting the server when allowed; return the connection."
  (let* ((socket (lamp-socket-path))
         (transport (lamp--choose-transport)))
    (or (lamp--try-open transport socket)
        (progn
          (unless lamp-auto-start
            (lamp--connection-error "No lamp server answers at %s" socket))
          (let ((process (if (process-live-p lamp--server-process)
                             lamp--server-process
                           (lamp--start-server socket)))
                (deadline (+ (float-time) lamp-server-start-timeout))
                conn)
            (while (not conn)
              (setq conn (lamp--try-open transport socket))
              (unless conn
                (unless (process-live-p process)
                  ;; Another server may have won the race for the socket.
                  (setq conn (lamp--try-open transport socket))
                  (unless conn
                    (lamp--connection-error "The lamp server exited: %s"
                                            (lamp--server-output-tail))))
                (when (and (not conn) (> (float-time) deadline))
                  (lamp--connection-error "The lamp server did not answer at %s within %s s"
                                          socket lamp-server-start-timeout))
                (unless conn (accept-process-output process 0.02))))
            conn)))))

(defun lamp--ensure-connection ()
  "Return a live connection, reconnecting when the last one ended."
  (let ((conn lamp--connection))
    (when (and conn (not (lamp--live-p conn)))
      ;; Deliver what arrived before the end, then fail what is left.
      (when (eq (lamp--conn-transport conn) 'module) (lamp--module-receive conn))
      (lamp--connection-lost conn (or (lamp--conn-dead conn) "connection ended"))
      (setq conn nil))
    (or conn (setq lamp--connection (lamp--connect)))))

(defun lamp--connection-lost (conn reason)
  "Mark CONN as ended because of REASON and fail its pending requests."
  (unless (lamp--conn-dead conn)
    (setf (lamp--conn-dead conn) reason)
    (when (eq lamp--connection conn) (setq lamp--connection nil))
    (lamp--log "connection to %s ended: %s" (lamp--conn-socket conn) reason)
    (lamp--close-transport conn)
    (let (calls)
      (maphash (lambda (_id call) (push call calls)) (lamp--conn-pending conn))
      (clrhash (lamp--conn-pending conn))
      (setf (lamp--conn-inbox conn) nil
            (lamp--conn-batch conn) []
            (lamp--conn-position conn) 0)
      (dolist (call (nreverse calls))
        (unless (lamp--call-abandoned call)
          (lamp--finish call nil
                        (list 'lamp-connection-error nil
                              (format "lamp connection lost: %s" reason) nil)))))))

;;;; Dispatch

(defun lamp--enqueue (conn items)
  "Queue the item vector ITEMS on CONN."
  (setf (lamp--conn-inbox conn) (nconc (lamp--conn-inbox conn) (list items))))

(defun lamp--dispatch-inbox (conn)
  "Dispatch CONN's received items in order.
Callbacks may wait for replies themselves; the nested call continues
where this one is, so the order holds."
  (let ((finished nil))
    (unwind-protect
        (progn
          (while (or (< (lamp--conn-position conn) (length (lamp--conn-batch conn)))
                     (and (lamp--conn-inbox conn)
                          (setf (lamp--conn-batch conn) (pop (lamp--conn-inbox conn))
                                (lamp--conn-position conn) 0)))
            (let* ((batch (lamp--conn-batch conn))
                   (i (lamp--conn-position conn)))
              (setf (lamp--conn-position conn) (+ i 3))
              (lamp--dispatch conn (aref batch i) (aref batch (+ i 1)) (aref batch (+ i 2)))))
          (setq finished t))
      ;; A quit escaped from a callback: deliver the rest soon rather than never.
      (unless finished
        (run-at-time 0 nil #'lamp--dispatch-inbox conn)))))

(defun lamp--callback-failed (call which err)
  "Log that the WHICH callback of CALL signalled ERR."
  (lamp--log "%s of %s signalled: %s" which (lamp--call-method call) (lamp--excerpt err))
  (message "lamp: %s of %s signalled %s" which (lamp--call-method call)
           (error-message-string err)))

(defun lamp--finish (call result error)
  "Deliver RESULT, or the condition ERROR when non-nil, to CALL's callbacks."
  (if error
      (let ((on-error (lamp--call-on-error call)))
        (if (not on-error)
            (lamp--log "%s failed: %s" (lamp--call-method call) (lamp--excerpt error))
          (condition-case err (funcall on-error error)
            (error (lamp--callback-failed call "on-error" err)))))
    (let ((on-result (lamp--call-on-result call)))
      (when on-result
        (condition-case err (funcall on-result result)
          (error (lamp--callback-failed call "on-result" err)))))))

(defun lamp--error-condition (error)
  "Return the `lamp-rpc-error' condition for the JSON-RPC ERROR object."
  (if (lamp--object-p error)
      (list 'lamp-rpc-error (alist-get 'code error) (alist-get 'message error)
            (alist-get 'data error))
    (list 'lamp-rpc-error nil "malformed error object" error)))

(defun lamp--dispatch (conn kind a b)
  "Act on one item received on CONN: KIND with A and B (see Transports)."
  (pcase kind
    ('result (lamp--reply conn a b nil))
    ('error (lamp--reply conn a nil (lamp--error-condition b)))
    ('notification (lamp--notification conn a b))
    ('problem (lamp--log "dropped input: %s" a))
    ('text (let ((message (lamp--parse a)))
             (when message (apply #'lamp--dispatch conn (lamp--classify message)))))
    (_ (let* ((message a)
              (method (and (lamp--object-p message) (alist-get 'method message))))
         (if (and (stringp method) (assq 'id message))
             ;; lamp makes no requests to clients today; answer as the spec wants.
             (progn
               (lamp--log "server request %s answered with -32601" method)
               (lamp--send conn (json-serialize
                                 (list :jsonrpc "2.0" :id (alist-get 'id message)
                                       :error (list :code -32601 :message "Method not found")))))
           (lamp--log (if (lamp--object-p message)
                          "ignored a malformed message: %s"
                        "ignored a message that is not a JSON-RPC object: %s")
                      (lamp--excerpt message)))))))

(defun lamp--reply (conn id result error)
  "Deliver the reply to request ID on CONN: RESULT, or the condition ERROR."
  (let ((call (gethash id (lamp--conn-pending conn))))
    (if (null call)
        (lamp--log "reply for unknown id %s: %s" (lamp--excerpt id)
                   (lamp--excerpt (or error result)))
      (remhash id (lamp--conn-pending conn))
      (unless (lamp--call-abandoned call)
        (lamp--finish call result error)))))

(defun lamp--notification (conn method params)
  "Deliver the notification METHOD with PARAMS received on CONN."
  (let* ((request-id (and (lamp--object-p params) (alist-get 'request_id params)))
         (call (and request-id (gethash request-id (lamp--conn-pending conn))))
         (on-notification (and call (not (lamp--call-abandoned call))
                               (lamp--call-on-notification call))))
    (when on-notification
      (condition-case err (funcall on-notification method params)
        (error (lamp--callback-failed call "on-notification" err))))
    (dolist (function lamp-notification-functions)
      (unless (eq function t)
        (condition-case err (funcall function method params)
          (error (lamp--log "lamp-notification-functions: %S signalled: %s"
                            function (lamp--excerpt err))))))))

;;;; Public API

(defun lamp--method-name (method)
  "Return METHOD (a string or symbol) as a string."
  (cond ((stringp method) method)
        ((keywordp method) (substring (symbol-name method) 1))
        ((symbolp method) (symbol-name method))
        (t (signal 'wrong-type-argument (list 'stringp method)))))

;;;###autoload
(cl-defun lamp-request (method params &key on-result on-error on-notification)
  "Send the request METHOD with PARAMS to lamp and return its id.
METHOD is a string.  PARAMS is encoded like `json-serialize' does:
an alist, plist or hash table for an object, a vector for an array,
nil for {}.  Return at once; the reply is delivered later:
ON-RESULT is called with the result (decoded like `json-parse-string'
with :object-type `alist' and :array-type `list', null as :null and
false as :false); ON-ERROR is called with an error condition,
\(lamp-rpc-error CODE MESSAGE DATA) for an error reply and
\(lamp-connection-error nil MESSAGE nil) when the connection ends;
ON-NOTIFICATION is called with (METHOD PARAMS) for each notification
whose params.request_id is this request's id.  Errors that callbacks
signal are logged in *lamp-log*.  Connects (and maybe starts the
server) first when needed."
  (let ((conn (lamp--ensure-connection))
        (method (lamp--method-name method))
        (id (1+ lamp--last-id)))
    ;; Serializing first: invalid PARAMS signal here, before anything is registered.
    (let ((params-json (and params (json-serialize params))))
      (setq lamp--last-id id)
      (puthash id (lamp--call-create :method method :on-result on-result :on-error on-error
                                     :on-notification on-notification)
               (lamp--conn-pending conn))
      (lamp--send-call conn id method params-json))
    id))

(defun lamp--abandon (conn id)
  "Drop the callbacks of request ID on CONN and ask the server to cancel it."
  (let ((call (and conn (gethash id (lamp--conn-pending conn)))))
    (when call
      ;; Keep the entry so that the late reply is recognised and dropped quietly.
      (setf (lamp--call-abandoned call) t)
      (when (lamp--live-p conn)
        (lamp--send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))))))

;;;###autoload
(defun lamp-request-sync (method params &optional timeout)
  "Send the request METHOD with PARAMS to lamp and return its result.
PARAMS and the result are as for `lamp-request'.  Wait at most
TIMEOUT seconds (default `lamp-request-timeout'), then signal
`lamp-timeout'.  Signal `lamp-rpc-error' for an error reply and
`lamp-connection-error' when no server answers or the connection
ends; all three are `lamp-error's with data (CODE MESSAGE DATA).
Quitting while waiting sends `$/cancelRequest' for the request and
drops its late reply."
  (let* ((timeout (or timeout lamp-request-timeout))
         (deadline (and timeout (+ (float-time) timeout)))
         (state nil)
         (value nil)
         (id (lamp-request method params
                           :on-result (lambda (result) (setq value result state 'done))
                           :on-error (lambda (condition) (setq value condition state 'failed))))
         (conn lamp--connection))
    (unwind-protect
        (while (not state)
          (let ((left (and deadline (- deadline (float-time)))))
            (if (and left (<= left 0))
                (setq state 'timeout)
              (accept-process-output (and (lamp--live-p conn) (lamp--conn-process conn))
                                     (if left (min left 1.0) 1.0)))))
      (unless (memq state '(done failed))
        (lamp--abandon conn id)))
    (pcase state
      ('done value)
      ('failed (signal (car value) (cdr value)))
      (_ (signal 'lamp-timeout
                 (list nil (format "%s got no reply within %s s" (lamp--method-name method) timeout)
                       nil))))))

;;;###autoload
(defun lamp-cancel (id)
  "Ask lamp to cancel the request ID; return non-nil if it was pending.
Its ON-ERROR callback then receives a `lamp-rpc-error' with code
-32800, unless the result won the race."
  (let* ((conn lamp--connection)
         (call (and conn (gethash id (lamp--conn-pending conn)))))
    (when (and call (not (lamp--call-abandoned call)) (lamp--live-p conn))
      (lamp--send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))
      t)))

;;;###autoload
(defun lamp-notify (method params)
  "Send the notification METHOD with PARAMS to lamp (no reply comes).
PARAMS is encoded as for `lamp-request'."
  (let ((params-json (and params (json-serialize params))))
    (lamp--send-call (lamp--ensure-connection) nil (lamp--method-name method) params-json))
  nil)

;;;###autoload
(defun lamp-disconnect (&optional stop-server)
  "Close the connection to lamp; pending requests get a connection error.
With STOP-SERVER non-nil (interactively, a prefix argument), also stop
the server if this Emacs started it."
  (interactive "P")
  (let ((conn lamp--connection))
    (setq lamp--connection nil)
    (when conn (lamp--connection-lost conn "disconnected")))
  (when stop-server (lamp--stop-server-process))
  nil)

;;;###autoload
(defun lamp-status ()
  "Return a plist describing the connection to lamp.
Keys: :connected, :transport, :socket, :pending (requests waiting for
a reply), :server-process (the server this Emacs started, if any) and,
when connected, :server (the result of lamp's \"server.status\").
Interactively, show a summary in the echo area."
  (interactive)
  (let* ((conn lamp--connection)
         (live (lamp--live-p conn))
         (server (and live (condition-case nil
                               (lamp-request-sync "server.status" nil 2)
                             (lamp-error nil))))
         (status (list :connected (and live t)
                       :transport (if conn (lamp--conn-transport conn)
                                    (and (fboundp 'lamp-module--open) 'module))
                       :socket (if conn (lamp--conn-socket conn) (lamp-socket-path))
                       :pending (if conn (hash-table-count (lamp--conn-pending conn)) 0)
                       :server-process (and (process-live-p lamp--server-process)
                                            lamp--server-process)
                       :server server)))
    (when (called-interactively-p 'interactive)
      (message "lamp: %s via %s at %s, %d pending%s"
               (if live "connected" "not connected")
               (or (plist-get status :transport) lamp-transport)
               (plist-get status :socket) (plist-get status :pending)
               (if server
                   (format ", server: %s in flight, %s connection(s)"
                           (alist-get 'in_flight server) (alist-get 'connections server))
                 "")))
    status))

(provide 'lamp)
;;; lamp.el ends here

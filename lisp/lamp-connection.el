;;; lamp-connection.el --- lamp.el's connection: connecting, dispatch, failure  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-connection.el: the server (socket path, auto-start), the current connection to it,
;; dispatching what arrives to the waiting calls, and failing or resending them when it ends.

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

;; Internal to lamp.el; the public API is in lamp.el.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'lamp-base)
(require 'lamp-transport)

;;;; State

(defvar lamp--connection nil
  "The current `lamp--conn', or nil.")

(defvar lamp--last-id 0
  "The id of the latest request (ids are unique for the session).")

(defvar lamp--server-process nil
  "The lamp server this Emacs started, if any.")

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
          ;; The source tree's build, or `make install''s PREFIX/bin beside
          ;; PREFIX/share/emacs/site-lisp/wisp (a bin directory not on PATH).
          (t (cl-find-if #'file-executable-p
                         (mapcar (lambda (relative) (expand-file-name relative lamp--directory))
                                 '("../build/server/lamp" "../../../../bin/lamp")))))))

(defun lamp--start-server (socket)
  "Start a lamp server on SOCKET and return its process."
  (let ((program (lamp--server-executable)))
    (unless program
      (lamp--connection-error `((reason . no-program) (socket . ,socket)
                                (program . ,lamp-server-program))
                              "No lamp server at %s, and `lamp-server-program' (%s) was not found"
                              socket lamp-server-program))
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
  "Return the last lines the latest started server printed.
The status line Emacs adds when the process ends is left out."
  (let ((buffer (get-buffer "*lamp-server*")))
    (if (not (buffer-live-p buffer))
        ""
      (with-current-buffer buffer
        (save-excursion
          (goto-char (point-max))
          (let* ((start (max (if (re-search-backward "^--- " nil t) (line-beginning-position 2) (point-min))
                             (- (point-max) 500)))
                 (lines (split-string (buffer-substring-no-properties start (point-max)) "\n" t)))
            (string-join (cl-remove-if (lambda (line) (string-prefix-p "Process lamp-server" line))
                                       lines)
                         "\n")))))))

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

;;;; Connecting

(defun lamp--try-open (transport socket)
  "Return a connection to SOCKET over TRANSPORT, or the error when none answers."
  (condition-case err
      (lamp--open transport socket #'lamp--receive #'lamp--connection-lost)
    (lamp-connection-error err)))

(defun lamp--connect ()
  "Connect to lamp, starting the server when allowed; return the connection.
Signal a `lamp-connection-error' whose data names the reason (see
`lamp--connection-error') when that fails."
  (let* ((socket (lamp-socket-path))
         (transport (lamp--choose-transport))
         (conn (lamp--try-open transport socket)))
    (unless (lamp--conn-p conn)
      (unless lamp-auto-start
        (lamp--connection-error `((reason . no-server) (socket . ,socket)
                                  (detail . ,(lamp--open-failure conn)))
                                "No lamp server answers at %s" socket))
      (let ((process (if (process-live-p lamp--server-process)
                         lamp--server-process
                       (lamp--start-server socket)))
            (deadline (+ (float-time) lamp-server-start-timeout)))
        (while (not (lamp--conn-p (setq conn (lamp--try-open transport socket))))
          (unless (process-live-p process)
            ;; Read what it printed before it exited, up to the end of its output.
            (while (accept-process-output process 0.1))
            ;; Another server may have won the race for the socket.
            (setq conn (lamp--try-open transport socket))
            (unless (lamp--conn-p conn)
              (lamp--connection-error `((reason . server-exited) (socket . ,socket)
                                        (detail . ,(lamp--server-output-tail)))
                                      "The lamp server exited: %s" (lamp--server-output-tail))))
          (when (> (float-time) deadline)
            (lamp--connection-error `((reason . start-timeout) (socket . ,socket))
                                    "The lamp server did not answer at %s within %s s"
                                    socket lamp-server-start-timeout))
          (accept-process-output process 0.02))))
    conn))

(defun lamp--open-failure (err)
  "The reason the connection error ERR gives, as one line, or nil."
  (let ((data (nth 3 err)))
    (or (and (consp data) (alist-get 'detail data)) (nth 2 err))))

(defun lamp--ensure-connection ()
  "Return a live connection, reconnecting when the last one ended."
  (let ((conn lamp--connection))
    (when (and conn (not (lamp--live-p conn)))
      ;; Deliver what arrived before the end, then fail what is left.
      (lamp--transport-catch-up conn)
      (lamp--connection-lost conn (or (lamp--conn-dead conn) "connection ended"))
      (setq conn nil))
    (or conn (setq lamp--connection (lamp--connect)))))

(defconst lamp--resend-delay 0.05
  "Seconds before a request is sent again after its connection died unheard.
A server killed as a client connects can accept the connection into
its backlog and then drop it; this lets it finish dying first.")

(defun lamp--connection-lost (conn reason &optional no-resend)
  "Mark CONN as ended because of REASON and fail its pending requests.
When the server never sent anything on CONN (it was going away as
CONN connected), its requests are sent again once, on a new
connection, unless NO-RESEND is non-nil."
  (unless (lamp--conn-dead conn)
    (setf (lamp--conn-dead conn) reason)
    (when (eq lamp--connection conn) (setq lamp--connection nil))
    (lamp--log "connection to %s ended: %s" (lamp--conn-socket conn) reason)
    (lamp--transport-close conn)
    (let (calls)
      (maphash (lambda (_id call) (push call calls)) (lamp--conn-pending conn))
      (clrhash (lamp--conn-pending conn))
      (setf (lamp--conn-inbox conn) nil
            (lamp--conn-batch conn) []
            (lamp--conn-position conn) 0)
      (let ((resend (not (or no-resend (lamp--conn-heard conn)))))
        (dolist (call (nreverse calls))
          (cond ((lamp--call-abandoned call))
                ((and resend (not (lamp--call-resent call)))
                 (setf (lamp--call-resent call) t)
                 (run-at-time lamp--resend-delay nil #'lamp--resend call))
                (t (lamp--finish call nil
                                 (list 'lamp-connection-error nil
                                       (format "lamp connection lost: %s" reason)
                                       `((reason . lost) (socket . ,(lamp--conn-socket conn))
                                         (detail . ,reason)))))))))))

(defun lamp--resend (call)
  "Send CALL again on a (new) connection, or fail it with the connection error."
  (unless (lamp--call-abandoned call)
    (condition-case err
        (let ((conn (lamp--ensure-connection)))
          (puthash (lamp--call-id call) call (lamp--conn-pending conn))
          (lamp--transport-send-call conn (lamp--call-id call) (lamp--call-method call)
                           (lamp--call-params-json call)))
      (lamp-connection-error (lamp--finish call nil err)))))

;;;; Dispatch

(defun lamp--receive (conn items)
  "Queue the item vector ITEMS that arrived on CONN, and dispatch what is queued."
  (setf (lamp--conn-heard conn) t
        (lamp--conn-inbox conn) (nconc (lamp--conn-inbox conn) (list items)))
  (lamp--dispatch-inbox conn))

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
               (lamp--transport-send conn (json-serialize
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

(provide 'lamp-connection)
;;; lamp-connection.el ends here

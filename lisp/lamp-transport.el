;;; lamp-transport.el --- Servers, the module, and the two transports  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-transport.el: finding or starting the lamp server, loading (or building) lamp-module,
;; and the module and pure-elisp transports behind one connection record.

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
(require 'lamp-base)
(require 'lamp-module-loader)

(declare-function lamp-module--open "lamp-module")
(declare-function lamp-module--send "lamp-module")
(declare-function lamp-module--call "lamp-module")
(declare-function lamp-module--drain "lamp-module")
(declare-function lamp-module--close "lamp-module")
(declare-function lamp-module--live-p "lamp-module")
(declare-function lamp-module--stats "lamp-module")
(declare-function lamp--connection-lost "lamp-connection")
(declare-function lamp--dispatch-inbox "lamp-connection")
(declare-function lamp--enqueue "lamp-connection")

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

;;;; Transports
;;
;; Both transports turn what they receive into vectors of items, three slots each,
;; dispatched in order by `lamp--dispatch-inbox':
;;   result ID VALUE | error ID ERROR-OBJECT | notification METHOD PARAMS
;;   message VALUE nil   anything else (requests from the server, odd shapes)
;;   text JSON nil       lamp-module with `lamp--module-text-frames' (Emacs parses)
;;   problem TEXT nil    input that was dropped
;; lamp-module classifies on its I/O thread; the `elisp' transport uses `lamp--classify'.

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
                   (lamp--connection-error `((reason . no-server)
                                             (socket . ,(lamp--conn-socket conn))
                                             (detail . ,(error-message-string err)))
                                           "Cannot connect to %s: %s"
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

(provide 'lamp-transport)
;;; lamp-transport.el ends here

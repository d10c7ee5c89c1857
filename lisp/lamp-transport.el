;;; lamp-transport.el --- lamp.el's connection record and its two transports  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-transport.el: one connection abstraction, `lamp--conn', with one implementation per
;; transport (lamp-module, or a network process) behind generic functions, and JSON decoding.

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

;; Part of lamp.el; see its commentary for the API.  This file knows
;; nothing of requests: a connection hands what it receives to its
;; RECEIVER and reports its end to ON-END, both given by the caller
;; (lamp-connection.el), so the files load in one direction.
;;
;; Both transports turn what they receive into vectors of items, three
;; slots each, handed to RECEIVER in order:
;;   result ID VALUE | error ID ERROR-OBJECT | notification METHOD PARAMS
;;   message VALUE nil   anything else (requests from the server, odd shapes)
;;   text JSON nil       lamp-module with `lamp--module-text-frames' (Emacs parses)
;;   problem TEXT nil    input that was dropped
;; lamp-module classifies on its I/O thread; the `elisp' transport uses
;; `lamp--classify'.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'lamp-base)

(declare-function lamp-module--open "lamp-module")
(declare-function lamp-module--send "lamp-module")
(declare-function lamp-module--call "lamp-module")
(declare-function lamp-module--drain "lamp-module")
(declare-function lamp-module--close "lamp-module")
(declare-function lamp-module--live-p "lamp-module")

;;;; The connection record

(cl-defstruct (lamp--conn (:constructor nil)
                          (:copier nil))
  "One connection to lamp; its transport is its type."
  (transport nil :read-only t)         ; `module' or `elisp', for display
  socket                               ; path
  process                              ; wake-up pipe (module) or network process
  receiver                             ; (CONN ITEMS) for each item vector that arrives
  on-end                               ; (CONN REASON) once, when the connection ends
  (pending (make-hash-table :test 'eql)) ; id → `lamp--call'
  inbox                                ; item vectors not yet dispatched
  (batch [])                           ; the item vector being dispatched
  (position 0)                         ; index of its next item
  heard                                ; non-nil once anything arrived from the server
  dead)                                ; why it ended, once it has

(cl-defstruct (lamp--module-conn (:include lamp--conn (transport 'module))
                                 (:constructor lamp--module-conn-create)
                                 (:copier nil))
  "A connection through lamp-module: its I/O thread reads and parses."
  handle                               ; lamp-module handle
  stash)                               ; a partly converted message

(cl-defstruct (lamp--elisp-conn (:include lamp--conn (transport 'elisp))
                                (:constructor lamp--elisp-conn-create)
                                (:copier nil))
  "A connection through a network process; Emacs reads and parses.")

(cl-defstruct (lamp--call (:constructor lamp--call-create)
                          (:copier nil))
  "A request waiting for its reply."
  id method params-json on-result on-error on-notification abandoned resent)

(cl-defgeneric lamp--transport-connect (conn)
  "Connect CONN to its socket; signal a `lamp-connection-error' on failure.")

(cl-defgeneric lamp--transport-live-p (conn)
  "Return non-nil while the transport of CONN can carry messages.")

(cl-defgeneric lamp--transport-send (conn text)
  "Send the JSON TEXT of one message on CONN.")

(cl-defgeneric lamp--transport-send-call (conn id method params-json)
  "Send on CONN the request ID (a notification when nil) for METHOD.
PARAMS-JSON is the params' JSON text, nil standing for {}."
  (lamp--transport-send conn (concat "{\"jsonrpc\":\"2.0\","
                                     (if id (format "\"id\":%d," id) "")
                                     "\"method\":" (json-serialize method)
                                     ",\"params\":" (or params-json "{}") "}")))

(cl-defgeneric lamp--transport-catch-up (_conn)
  "Hand what CONN has received but not yet delivered to its receiver."
  nil)

(cl-defgeneric lamp--transport-close (conn)
  "Release the process and buffer of CONN."
  (let ((process (lamp--conn-process conn)))
    (when (processp process)
      (let ((buffer (process-buffer process)))
        (set-process-sentinel process #'ignore)
        (delete-process process)
        (when (buffer-live-p buffer) (kill-buffer buffer))))))

(defun lamp--open (transport socket receiver on-end)
  "Return a new connection to SOCKET over TRANSPORT (`module' or `elisp').
RECEIVER and ON-END are as in `lamp--conn'."
  (let ((conn (if (eq transport 'module)
                  (lamp--module-conn-create :socket socket :receiver receiver :on-end on-end)
                (lamp--elisp-conn-create :socket socket :receiver receiver :on-end on-end))))
    (lamp--transport-connect conn)
    conn))

(defun lamp--live-p (conn)
  "Return non-nil when CONN can still carry requests."
  (and conn (not (lamp--conn-dead conn)) (lamp--transport-live-p conn)))

;;;; The module transport

(cl-defmethod lamp--transport-connect ((conn lamp--module-conn))
  "Open CONN through lamp-module, woken up by a pipe process."
  (let ((pipe (make-pipe-process :name "lamp-module"
                                 :buffer nil
                                 :coding 'binary
                                 :noquery t
                                 :filter (lambda (_process _output) (lamp--module-receive conn))
                                 :sentinel #'ignore)))
    (condition-case err
        (setf (lamp--module-conn-handle conn)
              (lamp-module--open (lamp--conn-socket conn) pipe lamp-max-message-bytes
                                 lamp--module-text-frames))
      (error (delete-process pipe)
             (signal (car err) (cdr err))))
    (setf (lamp--conn-process conn) pipe)))

(cl-defmethod lamp--transport-live-p ((conn lamp--module-conn))
  "Whether CONN's module handle is still open."
  (let ((handle (lamp--module-conn-handle conn)))
    (and handle (lamp-module--live-p handle))))

(cl-defmethod lamp--transport-send ((conn lamp--module-conn) text)
  "Queue TEXT on CONN's I/O thread.
A nil return means the connection has ended; the drain reports it."
  (lamp-module--send (lamp--module-conn-handle conn) text))

(cl-defmethod lamp--transport-send-call ((conn lamp--module-conn) id method params-json)
  "Let lamp-module frame request ID for METHOD with PARAMS-JSON on CONN."
  (lamp-module--call (lamp--module-conn-handle conn) id method params-json))

(cl-defmethod lamp--transport-catch-up ((conn lamp--module-conn))
  "Deliver what lamp-module has received for CONN."
  (lamp--module-receive conn))

(cl-defmethod lamp--transport-close ((conn lamp--module-conn))
  "Close CONN's module handle, then its wake-up pipe."
  (let ((handle (lamp--module-conn-handle conn)))
    (setf (lamp--module-conn-handle conn) nil
          (lamp--module-conn-stash conn) nil)
    (lamp--defer-gc nil)
    (when handle (lamp-module--close handle)))
  (cl-call-next-method))

(defun lamp--module-receive (conn)
  "Take what lamp-module received for CONN and hand it to CONN's receiver."
  (let ((handle (lamp--module-conn-handle conn)))
    (when (and handle (not (lamp--conn-dead conn)))
      ;; No collection inside a slice either; a `let' would not do, as the collection
      ;; would come as soon as it unwinds, before a conversion in progress raises it again.
      (lamp--defer-gc t)
      (pcase-let ((`(,items ,stash ,closed)
                   (let (drained)
                     (unwind-protect
                         (setq drained (lamp-module--drain handle (lamp--module-conn-stash conn)
                                                           lamp-module-slice-ms))
                       ;; Keep collections off while a conversion is in progress.
                       (lamp--defer-gc (nth 1 drained))))))
        (setf (lamp--module-conn-stash conn) stash)
        (when items (funcall (lamp--conn-receiver conn) conn items))
        (when closed (funcall (lamp--conn-on-end conn) conn closed))))))

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


;;;; The elisp transport

(cl-defmethod lamp--transport-connect ((conn lamp--elisp-conn))
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

(cl-defmethod lamp--transport-live-p ((conn lamp--elisp-conn))
  "Whether CONN's network process is running."
  (process-live-p (lamp--conn-process conn)))

(cl-defmethod lamp--transport-send ((conn lamp--elisp-conn) text)
  "Write TEXT and a newline to CONN's network process."
  (condition-case err
      (process-send-string (lamp--conn-process conn) (concat text "\n"))
    (error (funcall (lamp--conn-on-end conn) conn (error-message-string err)))))

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
        (funcall (lamp--conn-receiver conn) conn vector)))))

(defun lamp--elisp-sentinel (process event)
  "Report the end of PROCESS (described by EVENT) to its connection."
  (unless (process-live-p process)
    (let ((conn (process-get process 'lamp-conn)))
      (when conn
        (funcall (lamp--conn-on-end conn) conn (format "lamp connection %s" (string-trim event)))))))

(provide 'lamp-transport)
;;; lamp-transport.el ends here

;;; wisp-errors.el --- One sentence for each way a wisp request can fail  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-errors.el: turns lamp.el's errors (cannot reach lamp, JSON-RPC errors of wisp.patch)
;; into the one line wisp shows, naming the cause and the fix.

;; Copyright (C) 2026 The wisp + lamp authors

;; Author: The wisp + lamp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: tools, convenience

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

;; Part of wisp (see wisp.el).  The error codes are those of
;; docs/protocol.md; the reasons of a connection failure are those
;; lamp.el puts in the error's data.

;;; Code:

(require 'lamp)
(require 'subr-x)

(defvar wisp-transport)

(defun wisp--connection-error-message (message data)
  "The sentence for a failure to reach lamp: MESSAGE, DATA as lamp.el signals them."
  (let ((socket (alist-get 'socket data))
        (detail (alist-get 'detail data)))
    (pcase (alist-get 'reason data)
      ('no-server
       (format "wisp: no lamp server answers at %s%s; start one with \"lamp serve\"%s"
               socket
               ;; A stale socket or another user's: worth saying; a missing one is implied.
               (if (and detail (string-match "Connection refused\\|Permission denied" detail))
                   (format " (%s)" (downcase (match-string 0 detail)))
                 "")
               (if (eq wisp-transport 'lamp) ", or set `lamp-auto-start' to t" "")))
      ('no-program
       (format "wisp: cannot start lamp: `lamp-server-program' (%s) was not found; install lamp (make install) or set `lamp-server-program' to its path"
               (alist-get 'program data)))
      ('server-exited
       (format "wisp: lamp exited as it started%s; see the *lamp-server* buffer"
               (if (and detail (not (string-empty-p detail)))
                   (concat ": " (car (last (split-string detail "\n" t))))
                 "")))
      ('start-timeout
       (format "wisp: lamp started but did not answer at %s within %s s; see the *lamp-server* buffer, or raise `lamp-server-start-timeout'"
               socket lamp-server-start-timeout))
      ('lost (format "wisp: the connection to lamp was lost (%s); run the command again" detail))
      ('no-module
       (format "wisp: %s; set `lamp-transport' to `auto' to use the Emacs Lisp transport, or run M-x lamp-module-compile"
               message))
      (_ (format "wisp: cannot reach lamp: %s" message)))))

(defun wisp--error-message (err)
  "One line naming the cause of the lamp error ERR and what to do."
  (pcase-let* ((`(,symbol ,code ,message ,data) err)
               (detail (and (consp data) (alist-get 'detail data))))
    (if (not (eq symbol 'lamp-rpc-error))
        (wisp--connection-error-message message (and (consp data) data))
      (pcase code
        ('-32005 (format "wisp: lamp is not configured: %s%s" message
                         (if detail (format " (%s)" detail) "")))
        ('-32001 (let ((status (and (consp data) (alist-get 'status data))))
                   (format "wisp: the model provider answered HTTP %s after %s attempt(s): %s%s"
                           status (and (consp data) (alist-get 'attempts data)) message
                           (if (eql status 429) "; you are rate limited, try again in a minute" ""))))
        ('-32002 (format "wisp: cannot reach the model provider (%s); check the network and OPENAI_BASE_URL"
                         (or detail message)))
        ('-32003 "wisp: lamp is busy with other requests; try again shortly")
        ('-32004 (format "wisp: the model's reply had no usable edit%s; rephrase the comment or give an instruction with C-u"
                         (if detail (format " (%s)" (car (split-string detail "\n"))) "")))
        ('-32800 "wisp: cancelled")
        ('-32602 (format "wisp: lamp refused the request: %s" (or detail message)))
        (_ (format "wisp: %s%s" message (if code (format " [%s]" code) "")))))))

(provide 'wisp-errors)
;;; wisp-errors.el ends here

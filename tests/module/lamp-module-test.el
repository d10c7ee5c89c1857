;;; lamp-module-test.el --- ERT tests of lamp-module's primitives  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-module-test.el: the `lamp-module--' functions against a peer written in Lisp that sends
;; exact bytes; meant to run with --module-assertions.

;;; Commentary:

;; Environment: LAMP_TEST_MODULE_DIR, the directory holding lamp-module.so.
;; Run: emacs -Q --batch --module-assertions -l tests/module/lamp-module-test.el \
;;        -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(require 'cl-lib)

(module-load (expand-file-name (concat "lamp-module" module-file-suffix)
                               (or (getenv "LAMP_TEST_MODULE_DIR") "build/module")))

(defvar lamp-module-test--dir (make-temp-file "lamp-module-test" t)
  "Private directory for the peers' sockets.")

(add-hook 'kill-emacs-hook (lambda () (delete-directory lamp-module-test--dir t)))

(cl-defstruct (lamp-module-test--link (:constructor lamp-module-test--link-create))
  handle pipe peer server received (stash nil) (wakeups 0))

(defun lamp-module-test--wait (predicate &optional timeout)
  "Process events until PREDICATE is non-nil or TIMEOUT seconds pass."
  (let ((deadline (+ (float-time) (or timeout 10))) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.01))
    value))

(defun lamp-module-test--open (&optional max-bytes text-frames)
  "Open a module connection to a fresh Lisp peer; return the link.
MAX-BYTES and TEXT-FRAMES are passed to `lamp-module--open'."
  (let* ((socket (make-temp-name (expand-file-name "peer" lamp-module-test--dir)))
         (link (lamp-module-test--link-create))
         (server (make-network-process
                  :name "peer" :server t :family 'local :service socket :coding 'binary
                  :noquery t
                  :log (lambda (_server connection _message)
                         (setf (lamp-module-test--link-peer link) connection))
                  :filter (lambda (_connection output)
                            (setf (lamp-module-test--link-received link)
                                  (concat (lamp-module-test--link-received link) output)))))
         (pipe (make-pipe-process :name "wake" :noquery t :coding 'binary
                                  :filter (lambda (_p _s)
                                            (cl-incf (lamp-module-test--link-wakeups link))))))
    (setf (lamp-module-test--link-server link) server
          (lamp-module-test--link-pipe link) pipe
          (lamp-module-test--link-handle link)
          (lamp-module--open socket pipe max-bytes text-frames))
    (should (lamp-module-test--wait (lambda () (lamp-module-test--link-peer link))))
    link))

(defun lamp-module-test--close (link)
  "Close everything LINK holds."
  (lamp-module--close (lamp-module-test--link-handle link))
  (dolist (p (list (lamp-module-test--link-peer link) (lamp-module-test--link-server link)
                   (lamp-module-test--link-pipe link)))
    (when (processp p) (delete-process p))))

(defmacro lamp-module-test--with-link (spec &rest body)
  "Bind (VAR [MAX-BYTES TEXT-FRAMES]) from SPEC to a new link around BODY."
  (declare (indent 1))
  `(let ((,(car spec) (lamp-module-test--open ,@(cdr spec))))
     (unwind-protect (progn ,@body)
       (lamp-module-test--close ,(car spec)))))

(defun lamp-module-test--items (vector)
  "Return the items in the drain VECTOR as (KIND A . B), or (KIND . A) when B has no use."
  (cl-loop for i from 0 below (length vector) by 3
           for kind = (aref vector i)
           collect (if (memq kind '(message text problem))
                       (cons kind (aref vector (1+ i)))
                     (cons kind (cons (aref vector (1+ i)) (aref vector (+ i 2)))))))

(defun lamp-module-test--drain (link count &optional slice-ms)
  "Drain LINK until COUNT items arrived; return (ITEMS . CLOSED).
SLICE-MS is passed to `lamp-module--drain'."
  (let ((deadline (+ (float-time) 10))
        items closed)
    (while (and (< (length items) count) (< (float-time) deadline))
      (pcase-let ((`(,new ,stash ,why)
                   (lamp-module--drain (lamp-module-test--link-handle link)
                                       (lamp-module-test--link-stash link) slice-ms)))
        (setf (lamp-module-test--link-stash link) stash)
        (setq items (append items (lamp-module-test--items new)))
        (when why (setq closed why))
        ;; Wait for input only when the module has nothing in progress.
        (unless (or new stash) (accept-process-output nil 0.01))))
    (cons items closed)))

(defun lamp-module-test--send (link text)
  "Make LINK's peer send TEXT."
  (process-send-string (lamp-module-test--link-peer link) text))

(defun lamp-module-test--parse (text)
  "Parse TEXT as lamp.el does with `json-parse-string'."
  (json-parse-string text :object-type 'alist :array-type 'list
                     :null-object :null :false-object :false))

(defun lamp-module-test--expected (text)
  "Return the item lamp-module should produce for the JSON TEXT.
This restates the documented classification on top of `json-parse-string'."
  (let ((value (lamp-module-test--parse text)))
    (if (not (and (consp value) (consp (car value)) (symbolp (caar value))))
        (cons 'message value)
      (let ((id (assq 'id value))
            (method (alist-get 'method value)))
        (cond ((and (stringp method) id) (cons 'message value))
              ((stringp method) (cons 'notification (cons method (alist-get 'params value))))
              ((and id (consp (cdr id))) (cons 'message value))
              ((and id (assq 'error value)) (cons 'error (cons (cdr id) (alist-get 'error value))))
              ((and id (assq 'result value)) (cons 'result (cons (cdr id) (alist-get 'result value))))
              (t (cons 'message value)))))))

(defconst lamp-module-test--corpus
  '("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"pong\"}"
    "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"\\u00e9\\ud83d\\ude00 é\"}}"
    "[]" "{}" "[[],{},[[]],{\"e\":{}}]" "\"just a string\"" "123" "-0" "0.1" "1.5e300"
    "-2.5E-3" "9223372036854775807" "-9223372036854775808" "[1,2,3]"
    "{\"ключ\":1,\"a b\":2,\"\":3,\"Ünïcödé\":{\"ключ\":[\"ключ\"]}}"
    "\"\\n\\t\\\\\\/\\\"\\b\\f\\r\""
    "  {\"spaces\" : [ 1 , 2 ] }  "
    ;; Repeated keys: one pair, in the first one's place, with the last one's value.
    "{\"a\":1,\"b\":2,\"a\":{\"x\":1,\"x\":[2]},\"c\":3,\"b\":4}"
    "[{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k3\":33}]")
  "JSON texts whose module conversion must equal `json-parse-string'.")

(defun lamp-module-test--big-json ()
  "Return a JSON text with some 20000 values, deep and wide."
  (json-serialize
   (vconcat (cl-loop for i below 2000
                     collect `((id . ,i) (name . ,(format "item-%d-é" i))
                               (tags . ["a" "b" ,(number-to-string i)])
                               (nested . ((x . 1.5) (y . [[] ,(make-hash-table)]) (z . :null)))
                               (ok . ,(if (cl-evenp i) t :false)))))))

(defun lamp-module-test--deep-json (depth)
  "Return DEPTH nested arrays around a string."
  (concat (make-string depth ?\[) "\"core\"" (make-string depth ?\])))

(ert-deftest lamp-module-test-conversion-matches-json-parse-string ()
  "Every value converts exactly as `json-parse-string' would."
  (dolist (slice '(8 0))
    (lamp-module-test--with-link (link)
      (let ((texts (append lamp-module-test--corpus
                           (list (lamp-module-test--big-json)
                                 ;; Deeper values exceed `equal''s recursion limit.
                                 (lamp-module-test--deep-json 200)))))
        (lamp-module-test--send link (mapconcat (lambda (text) (concat text "\n")) texts ""))
        (let ((items (car (lamp-module-test--drain link (length texts) slice))))
          (should (= (length items) (length texts)))
          (cl-loop for item in items for text in texts
                   do (should (equal item (lamp-module-test--expected text)))))))))

(ert-deftest lamp-module-test-classification ()
  "Replies and notifications are picked apart off the main thread; the rest is whole."
  (let ((cases
         '(("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"a\":[1]}}" . (result 7 (a 1)))
           ("{\"id\":\"s\",\"result\":null}" . (result "s" . :null))
           ("{\"result\":1,\"id\":8}" . (result 8 . 1))
           ("{\"id\":9,\"error\":{\"code\":-1,\"message\":\"m\"},\"result\":2}"
            . (error 9 (code . -1) (message . "m")))
           ("{\"id\":null,\"error\":\"odd\"}" . (error :null . "odd"))
           ("{\"method\":\"tick\",\"params\":{\"request_id\":3}}"
            . (notification "tick" (request_id . 3)))
           ("{\"method\":\"bare\"}" . (notification "bare"))
           ("{\"method\":\"ask\",\"id\":1}" . (message (method . "ask") (id . 1)))
           ("{\"id\":[1],\"result\":1}" . (message (id 1) (result . 1)))
           ("{\"method\":5,\"id\":4,\"result\":0}" . (result 4 . 0))
           ("{\"id\":4}" . (message (id . 4)))
           ("{\"id\":1,\"id\":2,\"result\":3}" . (result 2 . 3))
           ("[{\"id\":1,\"result\":1}]" . (message ((id . 1) (result . 1)))))))
    (lamp-module-test--with-link (link)
      (lamp-module-test--send link (mapconcat (lambda (c) (concat (car c) "\n")) cases ""))
      (let ((items (car (lamp-module-test--drain link (length cases)))))
        (cl-loop for item in items for c in cases
                 do (should (equal item (cdr c)))
                 do (should (equal item (lamp-module-test--expected (car c)))))))))

(ert-deftest lamp-module-test-paused-conversion-lets-timers-run ()
  "With a zero slice a big message is built over many drains."
  (lamp-module-test--with-link (link)
    (let ((text (lamp-module-test--big-json))
          (drains 0) done)
      (lamp-module-test--send link (concat text "\n"))
      (should (lamp-module-test--wait
               (lambda () (> (plist-get (lamp-module--stats (lamp-module-test--link-handle link))
                                        :messages)
                             0))))
      (while (and (not done) (< drains 100000))
        (pcase-let ((`(,items ,stash ,_)
                     (lamp-module--drain (lamp-module-test--link-handle link)
                                         (lamp-module-test--link-stash link) 0)))
          (setf (lamp-module-test--link-stash link) stash)
          (cl-incf drains)
          (when items (setq done (aref items 1)))))
      (should (> drains 10))
      (should (null (lamp-module-test--link-stash link)))
      (should (equal done (lamp-module-test--parse text))))))

(ert-deftest lamp-module-test-lost-stash-is-reported ()
  "A stash not handed back drops that message, says so, and keeps going."
  (lamp-module-test--with-link (link)
    (lamp-module-test--send link (concat (lamp-module-test--big-json) "\n[\"after\"]\n"))
    (let ((handle (lamp-module-test--link-handle link)) first)
      (lamp-module-test--wait
       (lambda () (setq first (lamp-module--drain handle nil 0)) (nth 1 first)))
      (should (nth 1 first))            ; a partial value is parked on the stash
      (let ((items (car (lamp-module-test--drain link 2))))
        (should (eq (car (nth 0 items)) 'problem))
        (should (string-match-p "stash" (cdr (nth 0 items))))
        (should (equal (nth 1 items) '(message "after")))))))

(ert-deftest lamp-module-test-malformed-frames ()
  "Malformed frames become problem items with valid text; good frames still arrive."
  (lamp-module-test--with-link (link)
    (lamp-module-test--send
     link (concat "not json\n"
                  (unibyte-string #xff #xfe ?\" #xc3 ?\" ?\n)
                  "{\"a\":\n"
                  "[1,2] trailing\n"
                  "18446744073709551616\n"
                  "{\"big\":9223372036854775808}\n"
                  (lamp-module-test--deep-json 600) "\n"
                  "\n\n"
                  "{\"ok\":true}\n"))
    (let ((items (car (lamp-module-test--drain link 8))))
      (should (= (length items) 8))
      (dolist (item (butlast items))
        (should (eq (car item) 'problem))
        (should (string-match-p "malformed" (cdr item)))
        (should (multibyte-string-p (cdr item))))
      (should (string-match-p "out of range" (cdr (nth 4 items))))
      (should (string-match-p "nesting" (cdr (nth 6 items))))
      (should (equal (car (last items)) '(message (ok . t)))))))

(ert-deftest lamp-module-test-text-frames ()
  "With TEXT-FRAMES the JSON text is handed over as is (ill-formed UTF-8 refused)."
  (lamp-module-test--with-link (link nil t)
    (lamp-module-test--send link (concat "{\"é\":[1]}\n" (unibyte-string #xff ?\n) "[2]\n"))
    (let ((items (car (lamp-module-test--drain link 3))))
      (should (equal (nth 0 items) '(text . "{\"é\":[1]}")))
      (should (eq (car (nth 1 items)) 'problem))
      (should (equal (nth 2 items) '(text . "[2]"))))))

(ert-deftest lamp-module-test-lsp-framing-and-limits ()
  "LSP frames are accepted; oversized and headerless frames are dropped with a problem."
  (lamp-module-test--with-link (link 100)
    (let ((body "{\"lsp\":1}"))
      (lamp-module-test--send
       link (concat (format "Content-Length: %d\r\n\r\n%s" (length body) body)
                    (make-string 300 ?x) "\n"
                    "Content-Type: nothing\r\n\r\n"
                    "[3]\n")))
    (let ((items (car (lamp-module-test--drain link 4))))
      (should (equal (nth 0 items) '(message (lsp . 1))))
      (should (string-match-p "larger than 100" (cdr (nth 1 items))))
      (should (eq (car (nth 2 items)) 'problem))
      (should (equal (nth 3 items) '(message 3))))))

(ert-deftest lamp-module-test-send-and-wake ()
  "Sent messages reach the peer newline-terminated; arrivals wake the pipe."
  (lamp-module-test--with-link (link)
    (should (eq (lamp-module--send (lamp-module-test--link-handle link) "{\"x\":\"é\"}") t))
    (should (lamp-module-test--wait
             (lambda () (equal (lamp-module-test--link-received link)
                               (encode-coding-string "{\"x\":\"é\"}\n" 'utf-8)))))
    (lamp-module-test--send link "[1]\n")
    (should (lamp-module-test--wait (lambda () (> (lamp-module-test--link-wakeups link) 0))))
    (should (equal (car (lamp-module-test--drain link 1)) '((message 1))))
    (should-error (lamp-module--send (lamp-module-test--link-handle link) "a\nb"))
    (let ((stats (lamp-module--stats (lamp-module-test--link-handle link))))
      (should (= (plist-get stats :messages) 1))
      (should (= (plist-get stats :bytes-written)
                 (length (encode-coding-string "{\"x\":\"é\"}\n" 'utf-8)))))))

(ert-deftest lamp-module-test-writes-never-block ()
  "Sending to a peer that does not read returns at once; the I/O thread writes later."
  (lamp-module-test--with-link (link)
    (let ((handle (lamp-module-test--link-handle link))
          (chunk (make-string (* 1024 1024) ?y))
          (start (float-time)))
      (set-process-filter (lamp-module-test--link-peer link) #'ignore)
      (stop-process (lamp-module-test--link-peer link))
      (dotimes (_ 8) (lamp-module--send handle (concat "\"" chunk "\"")))
      (should (< (- (float-time) start) 1.0))
      (should (> (plist-get (lamp-module--stats handle) :outbox) 0))
      (continue-process (lamp-module-test--link-peer link))
      (should (lamp-module-test--wait
               (lambda () (= (plist-get (lamp-module--stats handle) :outbox) 0))
               20)))))

(ert-deftest lamp-module-test-peer-closes ()
  "When the peer goes away, drain reports why and the handle is no longer live."
  (lamp-module-test--with-link (link)
    (let ((handle (lamp-module-test--link-handle link)))
      (should (lamp-module--live-p handle))
      (lamp-module-test--send link "[\"last\"]\n{\"partial\":")
      (lamp-module-test--wait (lambda () (> (plist-get (lamp-module--stats handle) :bytes-read) 12)))
      (delete-process (lamp-module-test--link-peer link))
      (let (items closed)
        (lamp-module-test--wait
         (lambda ()
           (pcase-let ((`(,new ,_ ,why) (lamp-module--drain handle nil)))
             (setq items (append items (lamp-module-test--items new)) closed why))))
        (should (equal items '((message "last"))))
        (should (string-match-p "closed the connection" closed))
        (should (string-match-p "unfinished" closed)))
      (should-not (lamp-module--live-p handle))
      (should-not (lamp-module--send handle "[]")))))

(ert-deftest lamp-module-test-argument-errors ()
  "Bad arguments signal ordinary errors instead of crashing."
  (let ((pipe (make-pipe-process :name "wake" :noquery t)))
    (unwind-protect
        (progn
          (should-error (lamp-module--open (expand-file-name "missing" lamp-module-test--dir) pipe)
                        :type 'lamp-connection-error)
          (should-error (lamp-module--open 42 pipe) :type 'wrong-type-argument)
          (should-error (lamp-module--open (make-string 200 ?a) pipe) :type 'lamp-connection-error)
          (should-error (lamp-module--open "/tmp/x" 'not-a-process))
          (should-error (lamp-module--send "not a handle" "x") :type 'wrong-type-argument)
          (should-error (lamp-module--drain nil nil) :type 'wrong-type-argument)
          (should-error (lamp-module--drain 'x nil) :type 'wrong-type-argument))
      (delete-process pipe)))
  (lamp-module-test--with-link (link)
    (let ((handle (lamp-module-test--link-handle link)))
      (should-error (lamp-module--send handle 42) :type 'wrong-type-argument)
      (should-error (lamp-module--drain handle nil "soon") :type 'wrong-type-argument)
      (lamp-module--close handle)
      (lamp-module--close handle)
      (should-error (lamp-module--send handle "[]") :type 'lamp-connection-error)
      (should-error (lamp-module--drain handle nil) :type 'lamp-connection-error)
      (should-not (lamp-module--live-p handle)))))

(ert-deftest lamp-module-test-finalizer ()
  "Handles dropped without closing are reclaimed by GC without harm."
  (let ((links (cl-loop repeat 20 collect (lamp-module-test--open))))
    (dolist (link links)
      (lamp-module-test--send link "[1]\n")
      (setf (lamp-module-test--link-handle link) nil))
    (garbage-collect)
    ;; The peers see their connections end once the finalizers ran (GC scans the stack
    ;; conservatively, so a few handles may survive this collection).
    (should (lamp-module-test--wait
             (lambda ()
               (>= (cl-count-if-not (lambda (link)
                                      (process-live-p (lamp-module-test--link-peer link)))
                                    links)
                   10))
             5))
    (dolist (link links)
      (delete-process (lamp-module-test--link-peer link))
      (delete-process (lamp-module-test--link-server link))
      (delete-process (lamp-module-test--link-pipe link)))))

(provide 'lamp-module-test)
;;; lamp-module-test.el ends here

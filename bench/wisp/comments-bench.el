;;; comments-bench.el --- Figures for marked comments: save to review, prompt bytes  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; comments-bench.el: run by bench/wisp/run.sh against a real lamp and the fake upstream; prints
;; a Markdown section (figures only; nothing here fails on a number).

;;; Commentary:

;; Save to review: a 2,000-line Python file with 5 comments ending in
;; "AI!", `wisp-watch-mode' on; the time from `save-buffer' to the
;; review being displayed, the fake model answering at once with 5
;; SEARCH/REPLACE blocks.  Prompt bytes: the chat request lamp sends
;; for 1, 5 and 20 marked comments in that file.

;;; Code:

(require 'cl-lib)
(require 'url)
(require 'wisp-watch)

(defconst wisp-bench--runs 7 "Measured saves (after one warm-up).")

(defun wisp-bench--control (path &optional body)
  "Call the fake upstream's control PATH, POSTing BODY when given; return the parsed JSON."
  (let* ((url-request-method (if body "POST" "GET"))
         (url-request-extra-headers '(("Content-Type" . "application/json")))
         (url-request-data (and body (encode-coding-string (json-serialize body) 'utf-8)))
         (buffer (url-retrieve-synchronously
                  (concat (getenv "WISP_BENCH_UPSTREAM") "/_control/" path) t t 10)))
    (unwind-protect
        (with-current-buffer buffer
          (goto-char (point-min))
          (re-search-forward "\n\n")
          (json-parse-buffer :object-type 'alist :array-type 'list))
      (kill-buffer buffer))))

(defun wisp-bench--comment-line (i)
  "The line of the I-th marked comment."
  (format "    # make f%d return twice the value AI!\n" i))

(defun wisp-bench--file (marked)
  "A 2,000-line Python file with MARKED marked comments spread through it."
  (let ((lines nil) (step (/ 2000 (max marked 1) 4)))
    (dotimes (i 500)
      (push (format "def f%d(x):\n" i) lines)
      (push (if (and (< (/ i (max step 1)) marked) (zerop (% i (max step 1))))
                (wisp-bench--comment-line i)
              (format "    y = x + %d\n" i))
            lines)
      (push "    return y\n" lines)
      (push "\n" lines))
    (apply #'concat (nreverse lines))))

(defun wisp-bench--reply (text)
  "A model reply answering every marked comment of TEXT with a SEARCH/REPLACE block."
  (let ((blocks nil) (n 0) (start 0))
    (while (string-match "    # make f\\([0-9]+\\) return twice the value AI!\n" text start)
      (setq n (1+ n) start (match-end 0))
      (push (format "<<<<<<< SEARCH\n%s    return y\n=======\n    return 2 * x\n>>>>>>> REPLACE\n"
                    (match-string 0 text))
            blocks))
    (concat (mapconcat (lambda (i) (format "%d: doubled" i)) (number-sequence 1 n) "\n")
            "\n\n" (mapconcat #'identity (nreverse blocks) "\n"))))

(defun wisp-bench--wait (predicate)
  "Process input until PREDICATE holds (10 s at most)."
  (let ((deadline (+ (float-time) 10)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.001))
    (or (funcall predicate) (error "Timed out"))))

(defun wisp-bench--median (values)
  "The median of VALUES."
  (let ((sorted (sort (copy-sequence values) #'<)))
    (nth (/ (length sorted) 2) sorted)))

(defun wisp-bench--save-to-review (dir)
  "Seconds from saving to the review shown, one per run, in DIR."
  (let* ((file (expand-file-name "big.py" dir))
         (text (wisp-bench--file 5))
         (reply (wisp-bench--reply text))
         (shown nil)
         (times nil))
    (with-temp-file file (insert text))
    (advice-add 'wisp--present-review :after (lambda (&rest _) (setq shown (float-time)))
                '((name . wisp-bench)))
    (with-current-buffer (find-file-noselect file)
      (python-mode)
      (switch-to-buffer (current-buffer))
      (dotimes (run (1+ wisp-bench--runs))
        (wisp-bench--control "enqueue" `((content . ,reply)))
        (setq shown nil wisp--watch-sent nil)
        (goto-char (point-max))
        (insert "\n")
        (let ((start (float-time)))
          (save-buffer)
          (wisp-bench--wait (lambda () shown))
          (when (> run 0) (push (- shown start) times)))
        (with-current-buffer (wisp--diff-buffer (get-file-buffer file))
          (wisp-diff-quit))
        (switch-to-buffer (get-file-buffer file)))
      (set-buffer-modified-p nil)
      (kill-buffer))
    (advice-remove 'wisp--present-review 'wisp-bench)
    (nreverse times)))

(defun wisp-bench--prompt-bytes (dir marked)
  "The bytes of the chat request for MARKED comments, and of the file alone, in DIR."
  (let ((file (expand-file-name (format "p%d.py" marked) dir))
        (text (wisp-bench--file marked)))
    (with-temp-file file (insert text))
    (wisp-bench--control "reset" '((x . 1)))
    (wisp-bench--control "enqueue" '((content . "NO CHANGE: measuring")))
    (with-current-buffer (find-file-noselect file)
      (python-mode)
      (cl-assert (= (length (wisp--marked-comments (point-min) (point-max))) marked))
      (wisp-apply-comments (point-min) (point-max))
      (wisp-bench--wait (lambda () (null wisp--request)))
      (kill-buffer))
    (let* ((request (car (alist-get 'requests (wisp-bench--control "log"))))
           (messages (alist-get 'messages (alist-get 'body request))))
      (list (apply #'+ (mapcar (lambda (m) (string-bytes (alist-get 'content m))) messages))
            (string-bytes text)))))

(defun wisp-bench-run ()
  "Print the marked-comments figures as a Markdown section."
  (setq lamp-socket (getenv "WISP_BENCH_SOCKET")
        lamp-auto-start nil
        lamp-transport (intern (or (getenv "WISP_BENCH_TRANSPORT") "elisp")))
  (when (eq lamp-transport 'module)
    (setq lamp-module-file (expand-file-name (concat "lamp-module" module-file-suffix)
                                             (getenv "WISP_BENCH_MODULE_DIR"))
          lamp-module-compile-when-missing 'never))
  (let ((dir (make-temp-file "wisp-bench" t))
        (inhibit-message (not (getenv "WISP_BENCH_VERBOSE"))))
    (unwind-protect
        (progn
          (wisp-watch-mode 1)
          (let ((times (mapcar (lambda (s) (* 1000 s)) (wisp-bench--save-to-review dir))))
            (princ (format "Save to review (`wisp-watch-mode`, %s transport): a 2,000-line Python file with 5 comments ending in `AI!`; the fake model answers at once with 5 SEARCH/REPLACE blocks, lamp verifies the diff, wisp labels the 5 hunks. %d saves after a warm-up.\n\n"
                           lamp-transport (length times)))
            (princ "| median ms | min ms | max ms | runs ms |\n|---|---|---|---|\n")
            (princ (format "| %.1f | %.1f | %.1f | %s |\n\n" (wisp-bench--median times)
                           (apply #'min times) (apply #'max times)
                           (mapconcat (lambda (ms) (format "%.1f" ms)) times " / "))))
          (wisp-watch-mode -1)
          (princ "Prompt bytes: the chat request lamp sends upstream (system and user messages) for marked comments in that file; the file itself is most of it.\n\n")
          (princ "| marked comments | prompt bytes | file bytes | prompt − file |\n|---|---|---|---|\n")
          (dolist (n '(1 5 20))
            (pcase-let ((`(,prompt ,file) (wisp-bench--prompt-bytes dir n)))
              (princ (format "| %d | %d | %d | %d |\n" n prompt file (- prompt file))))))
      (delete-directory dir t))))

(provide 'comments-bench)
;;; comments-bench.el ends here

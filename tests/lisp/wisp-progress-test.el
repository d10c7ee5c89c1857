;;; wisp-progress-test.el --- The review buffer while the request runs  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-progress-test.el: the review opens when C-c w is typed, shows the stage and the streamed
;; answer without taking focus, and C-c C-k there cancels (real lamp, fake upstream, typed keys).

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window.
;; The fake model streams its answer slowly (or answers after a
;; delay), so what the user sees meanwhile can be checked.
;; Environment: see wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(defconst wisp-progress-test--reply
  (concat "Implemented fizzbuzz, checking 15 first.\n\n"
          "<<<<<<< SEARCH\n"
          "    # TODO: return \"Fizz\" for multiples of 3, \"Buzz\" for multiples of 5,\n"
          "    # \"FizzBuzz\" for multiples of both, and the number as a string otherwise.\n"
          "    pass\n"
          "=======\n"
          "    if n % 15 == 0:\n        return \"FizzBuzz\"\n"
          "    if n % 3 == 0:\n        return \"Fizz\"\n"
          "    if n % 5 == 0:\n        return \"Buzz\"\n"
          "    return str(n)\n"
          ">>>>>>> REPLACE\n")
  "The fake model's answer to fizzbuzz.py's TODO.")

(defun wisp-progress-test--send (&optional answer)
  "Type C-c w on the TODO of the current buffer, shown alone and selected.
The fake model streams ANSWER (an action; default: the fizzbuzz reply
over about two seconds)."
  (wisp-test--show (current-buffer))
  (wisp-test--control "enqueue" (or answer `((content . ,wisp-progress-test--reply)
                                             (chunk_chars . 8) (stream_delay_ms . 40))))
  (wisp-test--goto "# TODO")
  (should-not (wisp-test--type "C-c w")))

(defun wisp-progress-test--first-line (buffer)
  "The first line of BUFFER: the stage of its request."
  (with-current-buffer buffer
    (save-excursion (goto-char (point-min))
                    (buffer-substring-no-properties (point) (line-end-position)))))

(defun wisp-progress-test--mode-line (buffer)
  "What wisp adds to BUFFER's mode line (`format-mode-line' is empty in batch)."
  (should (member '(:eval (wisp--mode-line)) mode-line-misc-info))
  (or (with-current-buffer buffer (wisp--mode-line)) ""))

(ert-deftest wisp-progress-streams-into-the-review-without-taking-focus ()
  "C-c w opens the review at once, unselected, showing the stage and the streamed answer."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      (wisp-progress-test--send)
      ;; At once: the progress is shown beside the source, which stays selected.
      (let ((progress (wisp--progress-buffer source)))
        (should progress)
        (should (get-buffer-window progress))
        (should (eq (window-buffer (selected-window)) source))
        (should (string-match-p "C-c C-k in the review" (wisp-test--last-message)))
        (should (string-match-p "\\`wisp: asking the model" (wisp-progress-test--first-line progress)))
        ;; While it streams: the count, part of the answer, and the stage in the source's mode line.
        (should (wisp-test--wait
                 (lambda ()
                   (and (buffer-live-p progress)
                        (string-match-p "\\`wisp: the model is answering: [0-9]+ characters received"
                                        (wisp-progress-test--first-line progress))
                        (string-match-p "Implemented fizzbuzz" (with-current-buffer progress (buffer-string)))
                        (string-match-p "wisp:streaming [0-9]+" (wisp-progress-test--mode-line source))))))
        (should (eq (window-buffer (selected-window)) source))
        ;; The hunks replace the progress in the same buffer; the source was selected, so the review is.
        (let ((review (wisp-test--diff-buffer-of source)))
          (should (eq review progress))
          (should (eq (window-buffer (selected-window)) review))
          (should (with-current-buffer review (looking-at "@@ ")))
          (should-not (string-match-p "wisp:" (wisp-progress-test--mode-line source)))
          (should-not (wisp-test--type "A"))
          (should (string-match-p "if n % 15 == 0" (buffer-string))))))))

(ert-deftest wisp-progress-focus-stays-where-the-user-went ()
  "Moving to another buffer while the answer streams keeps focus there when the hunks arrive."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      (wisp-progress-test--send)
      (should-not (wisp-test--type "C-x b *scratch* RET"))
      (let ((review (wisp-test--diff-buffer-of source)))
        (should (equal (buffer-name (window-buffer (selected-window))) "*scratch*"))
        (should (get-buffer-window review))
        (should (string-match-p "M-x wisp-review shows the change" (wisp-test--last-message)))
        (with-current-buffer review (wisp-diff-quit)))
      ;; With `wisp-show-progress' nil nothing opens before the answer.
      (let ((wisp-show-progress nil))
        (set-buffer source)                 ; C-x b made *scratch* current
        (wisp-progress-test--send)
        (should-not (wisp--progress-buffer source))
        (should (= (length (window-list)) 1))
        (should (string-match-p "M-x wisp-cancel stops it" (wisp-test--last-message)))
        (should (wisp-test--diff-buffer-of source))))))

(ert-deftest wisp-progress-typed-C-c-C-k-cancels ()
  "In the review in progress, C-c C-k cancels the request and closes the review."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer))
          (original (buffer-string)))
      (wisp-progress-test--send `((content . ,wisp-progress-test--reply) (delay_ms . 1500)))
      (should (string-match-p "wisp:" (wisp-progress-test--mode-line source)))
      (should-not (wisp-test--type "C-x o"))
      (let ((progress (window-buffer (selected-window))))
        (should (eq progress (wisp--progress-buffer source)))
        ;; The review keys say the proposal is not here yet; nothing changes.
        (should (equal (wisp-test--type "A")
                       "Wisp: the proposal is not here yet (C-c C-k cancels the request)"))
        (should-not (wisp-test--type "C-c C-k"))
        (should (equal (wisp-test--last-message) "wisp: cancelled"))
        (should-not (buffer-live-p progress))
        (should (eq (window-buffer (selected-window)) source))
        (should (= (length (window-list)) 1))
        (should-not (string-match-p "wisp:" (wisp-progress-test--mode-line source)))
        ;; lamp ended the call (the status call itself is the one in flight), and no
        ;; review turns up later.
        (should (wisp-test--wait
                 (lambda () (= 1 (alist-get 'in_flight (lamp-request-sync "server.status" nil 5)))))))
      (sleep-for 1.6)
      (accept-process-output nil 0.2)
      (should-not (wisp-test--review-of source))
      (should (equal (buffer-string) original)))))

(ert-deftest wisp-progress-q-hides-and-the-answer-still-comes ()
  "q in the review in progress hides it; the request goes on and its review appears."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      (wisp-progress-test--send)
      (should-not (wisp-test--type "C-x o"))
      (should-not (wisp-test--type "q"))
      (should (eq (window-buffer (selected-window)) source))
      (should (wisp--progress-buffer source))
      (should-not (get-buffer-window (wisp--progress-buffer source)))
      (let ((review (wisp-test--diff-buffer-of source)))
        (should (eq (window-buffer (selected-window)) review))
        (should-not (wisp-test--type "q"))))))

(ert-deftest wisp-progress-a-failed-refinement-brings-the-proposal-back ()
  "R whose request fails shows the earlier proposal again, with the error."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      (wisp-test--show source)
      (let* ((review (wisp-test--request-review wisp-progress-test--reply))
             (proposal (with-current-buffer review (buffer-string))))
        (should (eq (window-buffer (selected-window)) review))
        (wisp-test--control "enqueue" '((status . 400)
                                        (json . ((error . ((message . "model overloaded, try later")
                                                           (type . "invalid_request_error")))))))
        (should-not (wisp-test--type "R use SPC a SPC dict RET"))
        (should (wisp-test--wait
                 (lambda () (string-match-p "model overloaded" (wisp-test--last-message)))))
        (should (eq (buffer-local-value 'major-mode review) 'wisp-diff-mode))
        (should (equal (with-current-buffer review (buffer-string)) proposal))
        (should (eq (window-buffer (selected-window)) review))
        ;; The proposal still applies.
        (should-not (wisp-test--type "A"))
        (should (string-match-p "if n % 15 == 0" (with-current-buffer source (buffer-string))))))))

(ert-deftest wisp-progress-no-change-closes-the-review ()
  "An answer with no change closes the review in progress and says why."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      (wisp-progress-test--send '((content . "NO CHANGE: the comment already describes the code")))
      (should (wisp-test--wait (lambda () (string-match-p "no change proposed" (wisp-test--last-message)))))
      (should (string-match-p "already describes" (wisp-test--last-message)))
      (should-not (wisp--progress-buffer source))
      (should (= (length (window-list)) 1))
      (should (eq (window-buffer (selected-window)) source)))))

(provide 'wisp-progress-test)
;;; wisp-progress-test.el ends here

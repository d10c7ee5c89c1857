;;; lamp-bench.el --- Benchmark lamp.el's transports against jsonrpc.el  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-bench.el: ping latency/throughput (module, elisp, jsonrpc.el) and UI responsiveness while
;; a 5 MB reply is received and converted; run by bench/emacs/run.sh, which starts lamp.

;;; Commentary:

;; Environment: LAMP_BENCH_SOCKET (a running `lamp serve --enable-test-methods'),
;; LAMP_BENCH_MODULE (lamp-module.so), LAMP_BENCH_LISP (a directory holding a compiled
;; lamp.elc), LAMP_BENCH_N (pings per run, default 10000).

;;; Code:

(require 'cl-lib)
(require 'jsonrpc)
(add-to-list (quote load-path) (getenv "LAMP_BENCH_LISP"))
(require 'lamp)

(defvar lamp-bench-socket (getenv "LAMP_BENCH_SOCKET"))
(defvar lamp-bench-n (string-to-number (or (getenv "LAMP_BENCH_N") "10000")))
(setq lamp-module-file (getenv "LAMP_BENCH_MODULE")
      lamp-socket lamp-bench-socket
      lamp-auto-start nil
      lamp-module-compile-when-missing 'never)

(defvar lamp-bench-results nil "Alist of (NAME . PLIST) collected for the summary.")

(defun lamp-bench--record (name &rest plist)
  "Remember PLIST under NAME."
  (push (cons name plist) lamp-bench-results))

(defun lamp-bench--get (name key)
  "Return KEY of the result NAME."
  (plist-get (cdr (assoc name lamp-bench-results)) key))

(defun lamp-bench--percentile (sorted p)
  "Return the P-th percentile of the SORTED vector."
  (aref sorted (min (1- (length sorted)) (floor (* p (length sorted))))))

(defun lamp-bench--wait (predicate)
  "Process events until PREDICATE is non-nil (at most 60 s)."
  (let ((deadline (+ (float-time) 60)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate) (error "Benchmark step timed out"))))

;;;; Clients behind one interface: (SEND-ASYNC METHOD PARAMS CALLBACK) and (SYNC METHOD PARAMS)

(defun lamp-bench--lamp-client (transport &optional text-frames)
  "Return a client over lamp.el with TRANSPORT (TEXT-FRAMES for the module)."
  (lamp-disconnect)
  (setq lamp-transport transport
        lamp--module-text-frames text-frames)
  (lamp-request-sync "ping" nil)
  (list :async (lambda (method params callback)
                 (lamp-request method params :on-result callback))
        :sync (lambda (method params) (lamp-request-sync method params 60))
        :close #'lamp-disconnect))

(defconst lamp-bench--empty (make-hash-table) "An empty JSON object.")

(defun lamp-bench--jsonrpc-client ()
  "Return a client over Emacs' jsonrpc.el (LSP framing) on the same socket."
  (let* ((process (make-network-process :name "jsonrpc-bench" :family 'local
                                        :service lamp-bench-socket
                                        :coding 'utf-8-emacs-unix :noquery t))
         (conn (make-instance 'jsonrpc-process-connection :name "jsonrpc-bench"
                              :process process :events-buffer-scrollback-size 0)))
    ;; jsonrpc.el encodes nil params as null, which JSON-RPC 2.0 forbids: send {} as lamp.el does.
    ;; `:timeout nil' spares jsonrpc.el a timer per request (its default is 10 s, and 10k
    ;; timers make each insertion slow): its best case, so the comparison is conservative.
    (list :async (lambda (method params callback)
                   (jsonrpc-async-request conn (intern method) (or params lamp-bench--empty)
                                          :success-fn callback :timeout nil))
          :sync (lambda (method params)
                  (jsonrpc-request conn (intern method) (or params lamp-bench--empty) :timeout nil))
          :close (lambda () (jsonrpc-shutdown conn t)))))

;;;; Pings

(defun lamp-bench-pings (name client)
  "Measure sequential and pipelined pings for CLIENT, recorded as NAME."
  (let ((sync (plist-get client :sync))
        (async (plist-get client :async))
        (n lamp-bench-n)
        (latencies (make-vector lamp-bench-n 0.0)))
    (dotimes (_ 200) (funcall sync "ping" nil))  ; warm up
    (garbage-collect)
    (let ((start (float-time)))
      (dotimes (i n)
        (let ((t0 (float-time)))
          (funcall sync "ping" nil)
          (aset latencies i (- (float-time) t0))))
      (let ((elapsed (- (float-time) start))
            (sorted (sort latencies #'<)))
        ;; Pipelined: all N sent, then all N awaited; the median of three runs.
        (let ((rates
               (cl-loop repeat 3
                        collect (let ((done 0)
                                      (pstart (float-time)))
                                  (garbage-collect)
                                  (dotimes (_ n)
                                    (funcall async "ping" nil (lambda (_) (cl-incf done))))
                                  (lamp-bench--wait (lambda () (>= done n)))
                                  (/ n (- (float-time) pstart))))))
          (let ((rate (nth 1 (sort (copy-sequence rates) #'<))))
            (lamp-bench--record name
                                :seq-rate (/ n elapsed)
                                :p50 (* 1e6 (lamp-bench--percentile sorted 0.5))
                                :p99 (* 1e6 (lamp-bench--percentile sorted 0.99))
                                :pipe-rate rate)
            (message "%-24s sequential %6.0f req/s (p50 %4.0f us, p99 %5.0f us)   pipelined %6.0f req/s (runs %s)"
                     name (/ n elapsed) (* 1e6 (lamp-bench--percentile sorted 0.5))
                     (* 1e6 (lamp-bench--percentile sorted 0.99)) rate
                     (mapconcat (lambda (r) (format "%.0f" r)) rates "/"))))))))

;;;; UI responsiveness while a 5 MB reply is received and converted

(defun lamp-bench--payload (shape)
  "Return params whose echo is a 5 MB reply of SHAPE: `string' or `objects'."
  (pcase shape
    ('string `((data . ,(make-string (* 5 1024 1024) ?x))))
    (_ `((items . ,(vconcat
                    (cl-loop for i below 56000
                             collect `((name . ,(format "item-%06d" i)) (value . ,i)
                                       (tags . ["alpha" "beta"]) (ok . t)
                                       (score . 0.5) (note . :null)))))))))

(defvar lamp-bench--receive-time 0.0
  "Seconds spent in the transports' receive functions (main thread).")

(defun lamp-bench--timed (function &rest args)
  "Call FUNCTION with ARGS, adding its run time to `lamp-bench--receive-time'."
  (let ((start (float-time)))
    (unwind-protect (apply function args)
      (cl-incf lamp-bench--receive-time (- (float-time) start)))))

(advice-add 'lamp--module-receive :around #'lamp-bench--timed)
(advice-add 'lamp--elisp-filter :around #'lamp-bench--timed)

(defvar lamp-bench--gc-stamps nil
  "When each garbage collection of the current lateness run ended.")

(defun lamp-bench--note-gc ()
  "Record when a garbage collection ended (on `post-gc-hook')."
  (push (float-time) lamp-bench--gc-stamps))

(defun lamp-bench-lateness (name client shape)
  "Measure the worst 50 ms timer lateness for CLIENT receiving the SHAPE payload.
Also how much of it the garbage collector took: the collections' total
time, and the worst lateness of the timer ticks no collection delayed."
  (let ((reply-bytes (string-bytes (json-serialize (lamp-bench--payload shape))))
        worst-list wall-list receive-list gc-list nogc-list)
    (add-hook 'post-gc-hook #'lamp-bench--note-gc)
    (dotimes (_ 3)
      (let* ((done nil)
             (stamps nil)
             (timer nil)
             (gc-before nil))
        ;; Building and sending the 5 MB request happen before the clock starts, and the
        ;; request is garbage by then: the figure is about the reply's arrival and conversion.
        (funcall (plist-get client :async) "test.echo" (lamp-bench--payload shape)
                 (lambda (_) (setq done (float-time))))
        (garbage-collect)
        (setq lamp-bench--receive-time 0.0
              lamp-bench--gc-stamps nil
              gc-before gc-elapsed)
        (let ((start (float-time)))
          (setq timer (run-at-time 0.05 0.05 (lambda () (push (float-time) stamps))))
          (push start stamps)
          (lamp-bench--wait (lambda () done))
          (let ((until (+ (float-time) 0.15)))
            (while (< (float-time) until) (accept-process-output nil 0.01)))
          (cancel-timer timer)
          (let* ((times (nreverse stamps))
                 (worst (cl-loop for (a b) on times while b maximize (- b a)))
                 (nogc (cl-loop for (a b) on times while b
                                unless (cl-some (lambda (g) (and (> g a) (<= g b))) lamp-bench--gc-stamps)
                                maximize (- b a))))
            (push (* 1000 (max 0 (- worst 0.05))) worst-list)
            (push (* 1000 (max 0 (- (or nogc 0.05) 0.05))) nogc-list)
            (push (* 1000 (- gc-elapsed gc-before)) gc-list)
            (push (* 1000 (- done start)) wall-list)
            (push (* 1000 lamp-bench--receive-time) receive-list)))))
    (remove-hook 'post-gc-hook #'lamp-bench--note-gc)
    (let ((worst (apply #'max worst-list))
          (worst-nogc (apply #'max nogc-list))
          (median-gc (nth 1 (sort (copy-sequence gc-list) #'<)))
          (median (nth 1 (sort (copy-sequence worst-list) #'<)))
          (median-wall (nth 1 (sort wall-list #'<)))
          (median-receive (nth 1 (sort receive-list #'<))))
      (lamp-bench--record (format "%s/%s" name shape)
                          :worst-lateness worst :median-lateness median
                          :wall median-wall :receive median-receive)
      (message "%-24s %-7s %4.1f MB: timer lateness worst %6.1f ms, median %6.1f ms (runs %s); reply in %4.0f ms; main thread in receive %4.0f ms; garbage collection %4.0f ms; worst without a collection %5.1f ms"
               name shape (/ reply-bytes 1048576.0) worst median
               (mapconcat (lambda (x) (format "%.0f" x)) (reverse worst-list) "/")
               median-wall median-receive median-gc worst-nogc))))

(defun lamp-bench-gc-floor (shape)
  "Time one full garbage collection with the SHAPE reply's Lisp value live, then dead.
The value is what the module delivers (alists and lists), built here by
`json-parse-string' with no timer running, and the garbage its building
left is collected first: the figures are what one collection costs
because such a reply exists, whoever built it."
  (let* ((value (json-parse-string (json-serialize (lamp-bench--payload shape))
                                   :object-type 'alist :array-type 'list
                                   :null-object :null :false-object :false))
         (time-gc (lambda ()
                    (let ((start (float-time)))
                      (garbage-collect)
                      (* 1000 (- (float-time) start)))))
         live dead)
    (garbage-collect)
    (setq live (funcall time-gc))
    (setq value nil)
    (setq dead (funcall time-gc))
    (lamp-bench--record (format "gc/%s" shape) :live live :dead dead)
    (message "garbage collection, 5 MB %-7s reply as Lisp: %5.1f ms while it is live, %5.1f ms once it is garbage"
             shape live dead)))

(defun lamp-bench-small-messages (name client)
  "Measure main-thread receive time for 10000 small notifications on CLIENT."
  (let ((times
         (cl-loop repeat 3
                  collect (let ((done nil))
                            (garbage-collect)
                            (setq lamp-bench--receive-time 0.0)
                            (funcall (plist-get client :async) "test.notify"
                                     '((count . 10000) (size . 16))
                                     (lambda (_) (setq done t)))
                            (lamp-bench--wait (lambda () done))
                            (* 1000 lamp-bench--receive-time)))))
    (let ((median (nth 1 (sort (copy-sequence times) #'<))))
      (lamp-bench--record (format "%s/notify" name) :receive median)
      (message "%-24s 10k small notifications: main thread in receive %5.1f ms (%.2f us each)"
               name median (/ (* 1000 median) 10000)))))

;;;; Main

(defun lamp-bench-run ()
  "Run every benchmark and print the figures and ratios."
  (message "lamp.el benchmark: %d pings per run, Emacs %s, gc-cons-threshold %d"
           lamp-bench-n emacs-version gc-cons-threshold)
  (message "\n== Ping round trips")
  (let ((module (lamp-bench--lamp-client 'module)))
    (lamp-bench-pings "module (tape)" module)
    (funcall (plist-get module :close)))
  (let ((module-text (lamp-bench--lamp-client 'module t)))
    (lamp-bench-pings "module (text+json-parse)" module-text)
    (funcall (plist-get module-text :close)))
  (let ((elisp (lamp-bench--lamp-client 'elisp)))
    (lamp-bench-pings "elisp" elisp)
    (funcall (plist-get elisp :close)))
  (let ((jsonrpc (lamp-bench--jsonrpc-client)))
    (lamp-bench-pings "jsonrpc.el (LSP)" jsonrpc)
    (funcall (plist-get jsonrpc :close)))

  (message "\n== JSON to Lisp on the main thread, and a 50 ms repeating timer while a 5 MB reply arrives")
  (dolist (setup '(("module (tape)" module nil)
                   ("module (text+json-parse)" module t)
                   ("elisp" elisp nil)))
    (let ((client (lamp-bench--lamp-client (nth 1 setup) (nth 2 setup))))
      (lamp-bench-small-messages (car setup) client)
      (dolist (shape '(string objects))
        (lamp-bench-lateness (car setup) client shape))
      (funcall (plist-get client :close))))
  (dolist (shape '(string objects))
    (lamp-bench-gc-floor shape))

  (message "\n== Summary")
  (let ((ratio (lambda (a b key) (/ (lamp-bench--get a key) (lamp-bench--get b key)))))
    (message "pipelined throughput  module / jsonrpc.el = %.1fx   (target >= 3x)"
             (funcall ratio "module (tape)" "jsonrpc.el (LSP)" :pipe-rate))
    (message "sequential throughput module / jsonrpc.el = %.1fx"
             (funcall ratio "module (tape)" "jsonrpc.el (LSP)" :seq-rate))
    (message "pipelined throughput  module / elisp      = %.2fx"
             (funcall ratio "module (tape)" "elisp" :pipe-rate))
    (message "JSON conversion, pipelined pings: tape %.0f req/s vs text+json-parse-string %.0f req/s (%.2fx)"
             (lamp-bench--get "module (tape)" :pipe-rate)
             (lamp-bench--get "module (text+json-parse)" :pipe-rate)
             (funcall ratio "module (tape)" "module (text+json-parse)" :pipe-rate))
    (dolist (shape '(notify string objects))
      (let ((tape (format "module (tape)/%s" shape))
            (text (format "module (text+json-parse)/%s" shape))
            (elisp (format "elisp/%s" shape)))
        (message "JSON conversion, %-7s: main thread in receive: tape %5.0f ms, text+json-parse-string %5.0f ms (tape %.1fx faster), elisp %5.0f ms"
                 (if (eq shape 'notify) "10k small" (format "5 MB %s" shape))
                 (lamp-bench--get tape :receive) (lamp-bench--get text :receive)
                 (/ (lamp-bench--get text :receive) (max 0.001 (lamp-bench--get tape :receive)))
                 (lamp-bench--get elisp :receive))
        (unless (eq shape 'notify)
          (message "UI lateness, 5 MB %-7s: module worst %5.1f ms (median %5.1f); text+json-parse-string worst %5.1f ms; elisp worst %5.1f ms   (target <= 10 ms with the module)"
                   shape (lamp-bench--get tape :worst-lateness)
                   (lamp-bench--get tape :median-lateness)
                   (lamp-bench--get text :worst-lateness)
                   (lamp-bench--get elisp :worst-lateness)))))))

(provide 'lamp-bench)
;;; lamp-bench.el ends here

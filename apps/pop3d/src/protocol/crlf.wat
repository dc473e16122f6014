;; LF -> CRLF conversion and dot-stuffing of one chunk of a POP3 body (see message-encoder.ts), 16 octets at a time.
;; The chunk is at 0 (at most 1 MiB), the output goes from 1 MiB (at most twice the chunk, and 16 octets of slack for
;; the last vector store). flags: 1 = the chunk starts a line, 2 = the octet before the chunk was a CR.
;; Returns the output length; bareLfs is the number of CRs inserted.
;; Built with wat2wasm (WABT, Debian package wabt) into the base64 in crlf-wasm.ts; crlf-wasm.test.ts checks the two agree.
(module
  (memory (export "memory") 49)
  (global $bare (export "bareLfs") (mut i32) (i32.const 0))
  (func (export "encode") (param $len i32) (param $flags i32) (result i32)
    (local $i i32) (local $o i32) (local $m i32) (local $p i32) (local $v v128) (local $lf v128)
    (local.set $o (i32.const 1048576))
    (local.set $lf (i8x16.splat (i32.const 10)))
    (global.set $bare (i32.const 0))
    ;; a "." first in the chunk, at the start of a line, is doubled
    (if (i32.and (i32.and (local.get $flags) (i32.const 1)) (i32.gt_u (local.get $len) (i32.const 0)))
      (then
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 46))
          (then
            (i32.store16 (local.get $o) (i32.const 0x2e2e))
            (local.set $o (i32.add (local.get $o) (i32.const 2)))
            (local.set $i (i32.const 1))))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (block $at_lf
          (if (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $len))
            (then
              ;; 16 octets copied; when there is a LF among them, the output goes on from the first one
              (local.set $v (v128.load (local.get $i)))
              (v128.store (local.get $o) (local.get $v))
              (local.set $m (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $lf))))
              (if (i32.eqz (local.get $m))
                (then
                  (local.set $i (i32.add (local.get $i) (i32.const 16)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (br $next)))
              (local.set $p (i32.ctz (local.get $m)))
              (local.set $i (i32.add (local.get $i) (local.get $p)))
              (local.set $o (i32.add (local.get $o) (local.get $p)))
              (br $at_lf))
            (else
              ;; the last octets, one at a time up to a LF
              (loop $tail
                (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)) (then (br $at_lf)))
                (i32.store8 (local.get $o) (i32.load8_u (local.get $i)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))
                (br_if $tail (i32.lt_u (local.get $i) (local.get $len))))
              (br $done))))
        ;; the octet at i is a LF: a CR goes before it unless one is there
        (if (if (result i32) (local.get $i)
              (then (i32.ne (i32.load8_u (i32.sub (local.get $i) (i32.const 1))) (i32.const 13)))
              (else (i32.eqz (i32.and (local.get $flags) (i32.const 2)))))
          (then
            (i32.store8 (local.get $o) (i32.const 13))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (global.set $bare (i32.add (global.get $bare) (i32.const 1)))))
        (i32.store8 (local.get $o) (i32.const 10))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        ;; a "." starting the next line is doubled
        (if (i32.lt_u (local.get $i) (local.get $len))
          (then
            (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 46))
              (then
                (i32.store16 (local.get $o) (i32.const 0x2e2e))
                (local.set $o (i32.add (local.get $o) (i32.const 2)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
        (br $next)))
    (i32.sub (local.get $o) (i32.const 1048576))))

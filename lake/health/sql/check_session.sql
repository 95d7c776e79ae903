-- Each check's transaction: no JIT (its statements are few big scans, which compiling slows down: 1.7 s of
-- compiling on a 4 s statement at 1M rows).
SET LOCAL jit = off

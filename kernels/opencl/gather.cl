/*
 * y = take(table, indices, axis) (PH_OP_GATHER), any table dtype, bytes
 * copied; one work-item per output element. An index in [-V, V) selects a
 * slice (negative ones from the end); any other index writes zeros, as
 * kernels/ref/gather.c does (never a read outside the table).
 */
__kernel void ph_gather(const __global uchar *t, ph_view tv, const __global uchar *ix,
                        ph_view iv, __global uchar *y, ph_view yv, int axis, long inner,
                        long nidx, long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  long r = i % inner, j = (i / inner) % nidx, outer = i / (inner * nidx);
  long v = tv.shape[axis];
  long k = ((const __global int *)ix)[ph_offset(iv, j)];
  if (k < 0) k += v;
  if (k < 0 || k >= v) {
    ph_zero_elem(y, yv.offset + i, yv.dtype);
    return;
  }
  long off = tv.offset + k * tv.strides[axis];
  for (int d = tv.rank - 1; d > axis; --d) {
    off += (r % tv.shape[d]) * tv.strides[d];
    r /= tv.shape[d];
  }
  for (int d = axis - 1; d >= 0; --d) {
    off += (outer % tv.shape[d]) * tv.strides[d];
    outer /= tv.shape[d];
  }
  ph_copy_elem(y, yv.offset + i, t, off, yv.dtype);
}

/*
 * y.shape[i] = x.shape[perm[i]] (PH_OP_TRANSPOSE), any dtype, bytes
 * copied. The host passes x already permuted into y's index order (shape
 * y.shape, strides x.strides[perm[i]]), so this is a strided copy: one
 * work-item per output element.
 */
__kernel void ph_transpose(const __global uchar *x, ph_view xp, __global uchar *y, ph_view yv,
                           long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  ph_copy_elem(y, yv.offset + i, x, ph_offset(xp, i), yv.dtype);
}

/*
 * Concatenation (PH_OP_CONCAT): one launch per input, which copies that
 * input's elements (any strides, any dtype, bytes copied) into its slab of
 * dense y. One work-item per element of the input. With |inner| the
 * product of the extents after the axis, input element i sits at
 * y[(outer * ya + axis_off + pos) * inner + r].
 */
__kernel void ph_concat(const __global uchar *x, ph_view xv, __global uchar *y, ph_view yv,
                        long inner, long xa, long ya, long axis_off, long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  long r = i % inner, pos = (i / inner) % xa, outer = i / (inner * xa);
  long yi = yv.offset + (outer * ya + axis_off + pos) * inner + r;
  ph_copy_elem(y, yi, x, ph_offset(xv, i), yv.dtype);
}

/*
 * Events. Each record gets a generation number and a pending entry that
 * the stream worker removes when it reaches the record; a generation is
 * complete once it is no longer pending. Waits name the generation that
 * was latest when they were enqueued, so a later re-record does not move
 * an earlier wait.
 *
 * Lifetime: the handle and every enqueued record or wait command each hold
 * a reference, so event_destroy while a record is pending is safe.
 */
#include <stdlib.h>

#include "cpu.h"

/* Caller holds event->lock. Generation 0 (never recorded) is never
 * pending. */
static int ph_cpu_event_pending(const ph_plugin_event_t *event, uint64_t gen) {
  for (const ph_cpu_pending_t *p = event->pending; p != NULL; p = p->next)
    if (p->gen == gen) return 1;
  return 0;
}

void ph_cpu_event_release(ph_plugin_event_t *event) {
  pthread_mutex_lock(&event->lock);
  int refs = --event->refs;
  pthread_mutex_unlock(&event->lock);
  if (refs > 0) return;
  pthread_cond_destroy(&event->cv);
  pthread_mutex_destroy(&event->lock);
  free(event);
}

void ph_cpu_event_complete(ph_plugin_event_t *event, ph_cpu_pending_t *rec) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  pthread_mutex_lock(&event->lock);
  for (ph_cpu_pending_t **pp = &event->pending; *pp != NULL; pp = &(*pp)->next) {
    if (*pp == rec) {
      *pp = rec->next;
      break;
    }
  }
  /* Only the latest record's time is ever asked for (event_elapsed). */
  if (rec->gen == event->recorded) {
    event->stamp = now;
    event->stamp_gen = rec->gen;
  }
  pthread_cond_broadcast(&event->cv);
  pthread_mutex_unlock(&event->lock);
}

void ph_cpu_event_wait_gen(ph_plugin_event_t *event, uint64_t gen) {
  pthread_mutex_lock(&event->lock);
  while (ph_cpu_event_pending(event, gen)) pthread_cond_wait(&event->cv, &event->lock);
  pthread_mutex_unlock(&event->lock);
}

ph_status_t ph_cpu_event_create(ph_plugin_device_t *device, uint32_t flags,
                                ph_plugin_event_t **out_event) {
  if (out_event == NULL || device == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu event_create: NULL argument");
  *out_event = NULL;
  if (flags != 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu event_create: flags 0x%x are reserved and must be 0", flags);
  ph_plugin_event_t *e = calloc(1, sizeof(*e));
  if (e == NULL)
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu event_create: out of host memory");
  e->device = device;
  e->refs = 1;
  pthread_mutex_init(&e->lock, NULL);
  pthread_cond_init(&e->cv, NULL);
  *out_event = e; /* recorded == 0: counts as completed */
  return PH_OK;
}

void ph_cpu_event_destroy(ph_plugin_event_t *event) {
  if (event != NULL) ph_cpu_event_release(event);
}

ph_status_t ph_cpu_event_record(ph_plugin_event_t *event, ph_plugin_stream_t *stream) {
  if (event == NULL || stream == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu event_record: NULL argument");
  ph_cpu_cmd_t *cmd = ph_cpu_cmd_new(PH_CPU_CMD_RECORD, "event_record");
  if (cmd == NULL) return PH_ERROR_OUT_OF_MEMORY;
  pthread_mutex_lock(&event->lock);
  cmd->u.record.pending.gen = ++event->recorded;
  cmd->u.record.pending.next = event->pending;
  event->pending = &cmd->u.record.pending;
  event->refs++;
  pthread_mutex_unlock(&event->lock);
  cmd->u.record.event = event;
  ph_cpu_stream_enqueue(stream, cmd);
  return PH_OK;
}

ph_status_t ph_cpu_stream_wait_event(ph_plugin_stream_t *stream, ph_plugin_event_t *event) {
  if (event == NULL || stream == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu stream_wait_event: NULL argument");
  pthread_mutex_lock(&event->lock);
  uint64_t gen = event->recorded;
  int pending = ph_cpu_event_pending(event, gen);
  if (pending) event->refs++;
  pthread_mutex_unlock(&event->lock);
  /* Never recorded, or already complete: later work has nothing to wait
   * for, so no command is needed. */
  if (!pending) return PH_OK;
  ph_cpu_cmd_t *cmd = ph_cpu_cmd_new(PH_CPU_CMD_WAIT, "stream_wait_event");
  if (cmd == NULL) {
    ph_cpu_event_release(event);
    return PH_ERROR_OUT_OF_MEMORY;
  }
  cmd->u.wait.event = event;
  cmd->u.wait.gen = gen;
  ph_cpu_stream_enqueue(stream, cmd);
  return PH_OK;
}

ph_status_t ph_cpu_event_sync(ph_plugin_event_t *event) {
  if (event == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu event_sync: event is NULL");
  pthread_mutex_lock(&event->lock);
  uint64_t gen = event->recorded;
  while (ph_cpu_event_pending(event, gen)) pthread_cond_wait(&event->cv, &event->lock);
  pthread_mutex_unlock(&event->lock);
  return PH_OK;
}

ph_status_t ph_cpu_event_query(ph_plugin_event_t *event) {
  if (event == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu event_query: event is NULL");
  pthread_mutex_lock(&event->lock);
  int pending = ph_cpu_event_pending(event, event->recorded);
  pthread_mutex_unlock(&event->lock);
  return pending ? PH_ERROR_NOT_READY : PH_OK;
}

/* Snapshot of what event_elapsed needs, taken under the event's lock. */
static void ph_cpu_event_snapshot(ph_plugin_event_t *e, uint64_t *recorded, int *pending,
                                  struct timespec *stamp) {
  pthread_mutex_lock(&e->lock);
  *recorded = e->recorded;
  *pending = ph_cpu_event_pending(e, e->recorded);
  *stamp = e->stamp;
  pthread_mutex_unlock(&e->lock);
}

ph_status_t ph_cpu_event_elapsed(ph_plugin_event_t *start, ph_plugin_event_t *end,
                                 float *out_ms) {
  if (out_ms != NULL) *out_ms = 0.0f;
  if (start == NULL || end == NULL || out_ms == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu event_elapsed: NULL argument");
  if (start->device != end->device)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu event_elapsed: the events belong to different devices");
  uint64_t rs, re;
  int ps, pe;
  struct timespec ts, te;
  ph_cpu_event_snapshot(start, &rs, &ps, &ts);
  ph_cpu_event_snapshot(end, &re, &pe, &te);
  if (rs == 0 || re == 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu event_elapsed: the %s event was never recorded",
                        rs == 0 ? "start" : "end");
  if (ps || pe)
    return ph_cpu_error(PH_ERROR_NOT_READY, "cpu event_elapsed: the %s event is pending",
                        ps ? "start" : "end");
  double ms = (double)(te.tv_sec - ts.tv_sec) * 1e3 + (double)(te.tv_nsec - ts.tv_nsec) / 1e6;
  *out_ms = (float)ms;
  return PH_OK;
}

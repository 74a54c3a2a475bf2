/*
 * Streams: each is an in-order queue drained by its own worker thread.
 * Enqueue entries only append a command and return; the worker runs the
 * commands one after the other and keeps the first error for stream_sync.
 * A failed command does not cancel the ones after it (the ABI asks only
 * that sync report the first error); they run as enqueued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

ph_cpu_cmd_t *ph_cpu_cmd_new(ph_cpu_cmd_kind_t kind, const char *entry) {
  ph_cpu_cmd_t *cmd = calloc(1, sizeof(*cmd));
  if (cmd == NULL) {
    ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu %s: out of host memory for a command", entry);
    return NULL;
  }
  cmd->kind = kind;
  return cmd;
}

void ph_cpu_cmd_free(ph_cpu_cmd_t *cmd) {
  if (cmd == NULL) return;
  switch (cmd->kind) {
    case PH_CPU_CMD_OP: ph_cpu_op_cmd_clear(&cmd->u.op); break;
    /* The event is set only once the command holds a reference. */
    case PH_CPU_CMD_RECORD:
      if (cmd->u.record.event != NULL) ph_cpu_event_release(cmd->u.record.event);
      break;
    case PH_CPU_CMD_WAIT:
      if (cmd->u.wait.event != NULL) ph_cpu_event_release(cmd->u.wait.event);
      break;
    case PH_CPU_CMD_COPY:
    case PH_CPU_CMD_MEMSET: break;
  }
  free(cmd);
}

void ph_cpu_stream_enqueue(ph_plugin_stream_t *stream, ph_cpu_cmd_t *cmd) {
  cmd->next = NULL;
  pthread_mutex_lock(&stream->lock);
  if (stream->tail != NULL) stream->tail->next = cmd;
  else stream->head = cmd;
  stream->tail = cmd;
  pthread_cond_signal(&stream->work_cv);
  pthread_mutex_unlock(&stream->lock);
}

static ph_status_t ph_cpu_cmd_run(ph_plugin_stream_t *stream, ph_cpu_cmd_t *cmd,
                                  char *msg, size_t msg_size) {
  switch (cmd->kind) {
    case PH_CPU_CMD_COPY:
      /* memmove: a d2d copy within one allocation may overlap. */
      memmove(cmd->u.copy.dst, cmd->u.copy.src, (size_t)cmd->u.copy.size);
      return PH_OK;
    case PH_CPU_CMD_MEMSET:
      memset(cmd->u.fill.dst, cmd->u.fill.value, (size_t)cmd->u.fill.size);
      return PH_OK;
    case PH_CPU_CMD_OP:
      return ph_cpu_op_run(stream->device, &cmd->u.op, msg, msg_size);
    case PH_CPU_CMD_RECORD:
      ph_cpu_event_complete(cmd->u.record.event, &cmd->u.record.pending);
      return PH_OK;
    case PH_CPU_CMD_WAIT:
      ph_cpu_event_wait_gen(cmd->u.wait.event, cmd->u.wait.gen);
      return PH_OK;
  }
  snprintf(msg, msg_size, "unknown command kind %d", (int)cmd->kind);
  return PH_ERROR_INTERNAL;
}

static void *ph_cpu_stream_worker(void *arg) {
  ph_plugin_stream_t *s = arg;
  pthread_mutex_lock(&s->lock);
  for (;;) {
    while (s->head == NULL && !s->stop) pthread_cond_wait(&s->work_cv, &s->lock);
    if (s->head == NULL) break; /* stop asked and the queue is drained */
    ph_cpu_cmd_t *cmd = s->head;
    s->head = cmd->next;
    if (s->head == NULL) s->tail = NULL;
    s->busy = 1;
    pthread_mutex_unlock(&s->lock);

    char msg[PH_CPU_MSG_MAX];
    msg[0] = '\0';
    ph_status_t st = ph_cpu_cmd_run(s, cmd, msg, sizeof(msg));
    ph_cpu_cmd_free(cmd);

    pthread_mutex_lock(&s->lock);
    if (st != PH_OK && s->error == PH_OK) {
      s->error = st;
      snprintf(s->error_msg, sizeof(s->error_msg), "%s", msg);
    }
    s->busy = 0;
    if (s->head == NULL) pthread_cond_broadcast(&s->idle_cv);
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

ph_status_t ph_cpu_stream_create(ph_plugin_device_t *device, uint32_t flags,
                                 ph_plugin_stream_t **out_stream) {
  if (out_stream == NULL || device == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu stream_create: NULL argument");
  *out_stream = NULL;
  if (flags != 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu stream_create: flags 0x%x are reserved and must be 0", flags);
  ph_plugin_stream_t *s = calloc(1, sizeof(*s));
  if (s == NULL)
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu stream_create: out of host memory");
  s->device = device;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->work_cv, NULL);
  pthread_cond_init(&s->idle_cv, NULL);
  if (pthread_create(&s->thread, NULL, ph_cpu_stream_worker, s) != 0) {
    pthread_cond_destroy(&s->idle_cv);
    pthread_cond_destroy(&s->work_cv);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY,
                        "cpu stream_create: could not start the stream's worker thread");
  }
  *out_stream = s;
  return PH_OK;
}

void ph_cpu_stream_destroy(ph_plugin_stream_t *stream) {
  if (stream == NULL) return;
  /* The worker drains the queue before it sees stop, so pending work runs. */
  pthread_mutex_lock(&stream->lock);
  stream->stop = 1;
  pthread_cond_signal(&stream->work_cv);
  pthread_mutex_unlock(&stream->lock);
  pthread_join(stream->thread, NULL);
  if (stream->error != PH_OK)
    ph_cpu_log(PH_LOG_WARN, "cpu stream_destroy: unreported error %d: %s",
               (int)stream->error, stream->error_msg);
  pthread_cond_destroy(&stream->idle_cv);
  pthread_cond_destroy(&stream->work_cv);
  pthread_mutex_destroy(&stream->lock);
  free(stream);
}

ph_status_t ph_cpu_stream_sync(ph_plugin_stream_t *stream) {
  if (stream == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu stream_sync: stream is NULL");
  char msg[PH_CPU_MSG_MAX];
  pthread_mutex_lock(&stream->lock);
  while (stream->head != NULL || stream->busy)
    pthread_cond_wait(&stream->idle_cv, &stream->lock);
  ph_status_t st = stream->error;
  memcpy(msg, stream->error_msg, sizeof(msg));
  stream->error = PH_OK;
  stream->error_msg[0] = '\0';
  pthread_mutex_unlock(&stream->lock);
  /* The worker could not reach the caller's thread-local error; we can. */
  if (st != PH_OK) return ph_cpu_error(st, "cpu stream: %s", msg);
  return PH_OK;
}

ph_status_t ph_cpu_stream_query(ph_plugin_stream_t *stream) {
  if (stream == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu stream_query: stream is NULL");
  pthread_mutex_lock(&stream->lock);
  int pending = stream->head != NULL || stream->busy;
  pthread_mutex_unlock(&stream->lock);
  return pending ? PH_ERROR_NOT_READY : PH_OK;
}

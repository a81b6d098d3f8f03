/*
 * feed.c - pass 1's folders to the writer while pass 1 goes on.
 *
 * A build into a new OUT has nothing in OUT to keep untouched: a failed
 * run removes the OUT it made (write.c), so its folders may be staged as
 * soon as they are rendered, not after every spec is checked.  They are,
 * in a thread of their own: pass 1's work is the process's (parsing,
 * checking, rendering) and staging's is the kernel's (making folders and
 * files), so on two cores the two overlap, and a 10,000-gateway build
 * costs about the longer of them instead of their sum (issue 16).
 *
 * Consumes the rendered sets of pass 1's workers (gw_feed_put, from any
 * thread; the set is the feed's from then on); produces staged folders
 * through gw_writer_stage, in the order put (the writer publishes them in
 * path order whatever the order staged).  The queue is bounded: a worker
 * that finds @limit bytes waiting waits for the writer, so the memory held
 * does not grow with the run.  Once a stage fails, the rest is dropped
 * unstaged and gw_feed_finish says so; the writer's commit aborts.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

struct item {
	struct item *next;
	struct gw_fileset set;
	size_t bytes;
};

struct gw_feed {
	struct gw_writer *writer;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct item *head, *tail;
	size_t bytes, limit;	/* waiting, and at most */
	bool closed, failed;
};

static void *run(void *arg)
{
	struct gw_feed *f = arg;
	struct item *it;
	bool failed;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->head && !f->closed)
			pthread_cond_wait(&f->more, &f->lock);
		if (!(it = f->head))
			break;
		f->head = it->next;
		if (!f->head)
			f->tail = NULL;
		failed = f->failed;
		pthread_mutex_unlock(&f->lock);
		if (!failed && gw_writer_stage(f->writer, &it->set))
			failed = true;
		gw_fileset_release(&it->set);
		pthread_mutex_lock(&f->lock);
		f->failed |= failed;
		f->bytes -= it->bytes;
		free(it);
		pthread_cond_broadcast(&f->room);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

struct gw_feed *gw_feed_start(struct gw_writer *writer, size_t limit)
{
	struct gw_feed *f = gw_malloc(sizeof(*f));

	memset(f, 0, sizeof(*f));
	f->writer = writer;
	f->limit = limit;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->more, NULL);
	pthread_cond_init(&f->room, NULL);
	if (pthread_create(&f->thread, NULL, run, f)) {
		pthread_cond_destroy(&f->room);
		pthread_cond_destroy(&f->more);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return NULL;
	}
	return f;
}

void gw_feed_put(struct gw_feed *f, struct gw_fileset *set)
{
	struct item *it;
	size_t i, bytes = 0;

	for (i = 0; i < set->n; i++)
		bytes += set->files[i].len + strlen(set->files[i].path) + 64;
	gw_fileset_sort(set);	/* the writer takes sorted sets */
	pthread_mutex_lock(&f->lock);
	/* one item may pass the limit alone: a worker never waits for an
	 * empty queue */
	while (f->bytes && f->bytes + bytes > f->limit && !f->failed)
		pthread_cond_wait(&f->room, &f->lock);
	if (f->failed) {
		pthread_mutex_unlock(&f->lock);
		gw_fileset_release(set);
		return;
	}
	it = gw_malloc(sizeof(*it));
	it->next = NULL;
	it->set = *set;
	it->bytes = bytes;
	memset(set, 0, sizeof(*set));
	if (f->tail)
		f->tail->next = it;
	else
		f->head = it;
	f->tail = it;
	f->bytes += bytes;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
}

int gw_feed_finish(struct gw_feed *f)
{
	bool failed;

	pthread_mutex_lock(&f->lock);
	f->closed = true;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	failed = f->failed;
	pthread_cond_destroy(&f->room);
	pthread_cond_destroy(&f->more);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return failed ? -1 : 0;
}

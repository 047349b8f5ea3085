/* handlers_subscriptions.h: the handlers of subscriptions to notices (issue 13):
 * page_subscribe.c and api_subscriptions.c. */
#ifndef AGORA_HANDLERS_SUBSCRIPTIONS_H
#define AGORA_HANDLERS_SUBSCRIPTIONS_H
#include "request.h"

int page_subscribe(struct request *r);
int page_subscribe_post(struct request *r);
int page_subscription_confirm(struct request *r);
int page_subscription_confirm_post(struct request *r);
int page_unsubscribe(struct request *r);
int page_unsubscribe_post(struct request *r);
int api_subscription_create(struct request *r);

#endif

"""Produces JSON examples and events with confluent-kafka, then reads the scored events back.

Usage: python3 roundtrip.py BOOTSTRAP EXAMPLES_TOPIC EVENTS_TOPIC SCORED_TOPIC
Prints one line: 'scored N correct M'.
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer

bootstrap, examples, events, scored = sys.argv[1:5]
producer = Producer({"bootstrap.servers": bootstrap})
# A linearly separable toy problem: label 1 when x0 + x1 > 0.
points = [(i / 10.0 - 2.0, (i % 7) / 3.0 - 1.0) for i in range(40)]
for n, (a, b) in enumerate(points * 5):
    producer.produce(examples, key="py-%d" % n,
                     value=json.dumps({"id": "py-%d" % n, "features": [a, b], "label": 1 if a + b > 0 else 0}))
producer.flush()
time.sleep(2)
truth = {}
for n, (a, b) in enumerate(points):
    eid = "py-event-%d" % n
    truth[eid] = 1 if a + b > 0 else 0
    producer.produce(events, key=eid, value=json.dumps({"id": eid, "features": [a, b]}))
producer.flush()

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "interop-py", "auto.offset.reset": "earliest",
                     "isolation.level": "read_committed"})
consumer.subscribe([scored])
seen, correct, deadline = 0, 0, time.time() + 60
while seen < len(points) and time.time() < deadline:
    msg = consumer.poll(0.5)
    if msg is None or msg.error():
        continue
    s = json.loads(msg.value())
    if s["id"] in truth:
        seen += 1
        correct += 1 if s["label"] == truth[s["id"]] else 0
consumer.close()
print("scored %d correct %d" % (seen, correct))

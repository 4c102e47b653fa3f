// A file whose TAP has a passing test point but no plan: the stream is not valid TAP.
process.stdout.write('TAP version 14\nok 1 - a point without a plan\n');

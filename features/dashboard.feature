@e2e @dashboard
Feature: Dashboard
  Cloud signals through Updates/; Local alone merges them into Dashboard.md, which tells the
  owner what waits for approval, how both agents are doing, and what went wrong. Every check
  reads Dashboard.md and the history on the remote.

  Background:
    Given a Platinum world on the processes backend

  Scenario: Cloud's updates are consumed by Local, the only writer of Dashboard.md
    When the customer mail "q4" arrives
    Then Cloud's approval request for "q4" is on the remote
    And every update Cloud pushed has been consumed by Local
    And Dashboard.md was only ever committed by Local

  Scenario: Dashboard.md shows the pending approval, both agents' health and the alerts
    When the customer mail "q4" arrives
    And a hostile mail nested 40 MIME levels deep arrives
    Then Cloud's approval request for "q4" is on the remote
    And Dashboard.md on the remote links the pending approval of "q4"
    And Dashboard.md on the remote shows an alert containing "Mail quarantined: MIME nesting too deep"
    When the Cloud agent is killed and its supervisor restarts it
    Then Dashboard.md on the remote reports Cloud as "restarted" and Local as "ok"
    And Dashboard.md was only ever committed by Local

/**
 * The GraphQL operations the tests send, as a dashboard would. `npm run codegen` types them
 * into test/generated/operations.ts; CI fails when that file drifts from the schema.
 */
export const GRID = /* GraphQL */ `
  query Grid($code: String!) {
    grid(code: $code) {
      code
      name
      level
      riskColor
      households
      population
      parent {
        code
      }
      children {
        code
        level
      }
    }
  }
`;

export const GRIDS_PAGE = /* GraphQL */ `
  query GridsPage($under: String, $level: GridLevel, $first: Int, $after: String) {
    grids(under: $under, level: $level, first: $first, after: $after) {
      code
      name
      level
      parent {
        code
        name
      }
      members {
        name
        role
      }
    }
  }
`;

export const VIEWER = /* GraphQL */ `
  query Viewer {
    viewer {
      role
      scope
    }
  }
`;

export const CREATE_GRID = /* GraphQL */ `
  mutation CreateGrid($input: CreateGridInput!) {
    createGrid(input: $input) {
      code
      name
      level
      depth
      parent {
        code
      }
    }
  }
`;

export const RENAME_GRID = /* GraphQL */ `
  mutation RenameGrid($code: String!, $name: String!) {
    renameGrid(code: $code, name: $name) {
      code
      name
    }
  }
`;

export const RECOLOR_GRID = /* GraphQL */ `
  mutation RecolorGrid($code: String!, $color: RiskColor!) {
    recolorGrid(code: $code, color: $color) {
      code
      riskColor
    }
  }
`;

export const MOVE_GRID = /* GraphQL */ `
  mutation MoveGrid($code: String!, $parent: String!) {
    moveGrid(code: $code, parent: $parent) {
      code
      depth
      parent {
        code
      }
    }
  }
`;

export const DELETE_GRID = /* GraphQL */ `
  mutation DeleteGrid($code: String!) {
    deleteGrid(code: $code) {
      code
    }
  }
`;

export const REGISTER_MEMBER = /* GraphQL */ `
  mutation RegisterMember($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      name
      role
    }
  }
`;

export const ISSUE_TOKEN = /* GraphQL */ `
  mutation IssueToken($input: IssueTokenInput!) {
    issueToken(input: $input) {
      id
      token
      role
      grid
      expiresAt
    }
  }
`;

export const REVOKE_TOKEN = /* GraphQL */ `
  mutation RevokeToken($id: ID!) {
    revokeToken(id: $id)
  }
`;

export const GRID_CHANGED = /* GraphQL */ `
  subscription GridChanged($scope: String) {
    gridChanged(scope: $scope) {
      kind
      code
      name
      riskColor
      detail
    }
  }
`;

/** Send with the operations that spread it: `CLEARANCE_ROUND + CLEARANCE_ROUND_FIELDS`. */
export const CLEARANCE_ROUND_FIELDS = /* GraphQL */ `
  fragment ClearanceRoundFields on ClearanceRound {
    code
    period
    date
    deadlineAt
    openedAt
    startsAt
    closedAt
    progress {
      targets
      confirmed
      zeroReports
      missed
      late
      pending
      flagged
    }
    children {
      grid {
        code
      }
      progress {
        targets
        confirmed
        zeroReports
        missed
      }
    }
  }
`;

export const CLEARANCE_ROUND = /* GraphQL */ `
  query ClearanceRound($period: ClearancePeriod!, $date: String, $scope: String, $status: ClearanceSlotStatus) {
    clearanceRound(period: $period, date: $date, scope: $scope) {
      ...ClearanceRoundFields
      slots(status: $status, first: 200) {
        grid {
          code
        }
        status
        zeroReport
        late
        note
        flaggedIncidents
      }
    }
  }
`;

export const CONFIRM_CLEARANCE = /* GraphQL */ `
  mutation ConfirmClearance($period: ClearancePeriod!, $grid: String, $note: String, $zeroReport: Boolean) {
    confirmClearance(period: $period, grid: $grid, note: $note, zeroReport: $zeroReport) {
      round
      period
      alreadyConfirmed
      message
      slot {
        grid {
          code
        }
        status
        zeroReport
        late
        flaggedIncidents
      }
    }
  }
`;

export const CLEARANCE_PROGRESS = /* GraphQL */ `
  subscription ClearanceProgress($scope: String, $period: ClearancePeriod) {
    clearanceProgress(scope: $scope, period: $period) {
      ...ClearanceRoundFields
    }
  }
`;

export const CLEARANCE_RECORD = /* GraphQL */ `
  query ClearanceRecord($grid: String!, $period: ClearancePeriod, $last: Int) {
    clearanceRecord(grid: $grid, period: $period, last: $last) {
      grid
      period
      rounds
      onTime
      late
      missed
      zeroReports
      flagged
      onTimeRate
      streak
      longestStreak
      entries {
        round
        status
        late
      }
    }
  }
`;
